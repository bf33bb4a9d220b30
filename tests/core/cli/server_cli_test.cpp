// resolve(): defaults < config file < flags, and every malformed config file or flag refused
// with the file (or flag) and key named.
#include "core/server_cli.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "temp_dir.hpp"

namespace core {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Parses `args` as mcp-server's command line and resolves it.
ServerConfig resolved(std::vector<std::string> args, const char* env = nullptr,
                      const char* token_env = nullptr) {
    CLI::App app;
    ServerOptions options;
    setup_cli(app, options);
    args.insert(args.begin(), "mcp-server");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return resolve(app, options, env, token_env);
}

// The message resolve() refuses `args` with.
std::string refusal(std::vector<std::string> args) {
    try {
        resolved(std::move(args));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(accepted)";
}

class ServerCliResolve : public ::testing::Test {
  protected:
    std::string file(const std::string& text) {
        const auto path = dir_ / "cfg.json";
        std::ofstream(path) << text;
        return path.string();
    }
    core_test::TempDir dir_;
};

TEST_F(ServerCliResolve, DefaultsWithNothingGiven) {
    const auto c = resolved({});
    EXPECT_EQ(c.port, 8765);
    EXPECT_EQ(c.ollama.inactivity_timeout, std::chrono::seconds(120));
    EXPECT_TRUE(c.stream_upstream);
    EXPECT_EQ(c.ollama.base_url, "http://127.0.0.1:11434");
}

TEST_F(ServerCliResolve, FlagsOnly) {
    const auto c = resolved({"--port", "0", "--ollama-timeout", "2.5", "--no-stream-upstream",
                             "--max-connections", "7", "--csv-formulas", "escape", "--time-scale",
                             "0.01", "--log-level", "warn", "--patients", "12", "--threads", "3"});
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.ollama.inactivity_timeout, std::chrono::milliseconds(2500));
    EXPECT_FALSE(c.stream_upstream);
    EXPECT_EQ(c.max_connections, 7u);
    EXPECT_EQ(c.csv_formulas, FormulaPolicy::escape);
    EXPECT_DOUBLE_EQ(c.time_scale, 0.01);
    EXPECT_EQ(c.log_level, common::LogLevel::warn);
    EXPECT_EQ(c.generate_patients, 12u);
    EXPECT_EQ(c.threads, 3u);
}

TEST_F(ServerCliResolve, ConfigOnly) {
    const auto c = resolved({"--config", file(R"({"port": 9000, "ollama_timeout": 3,
        "stream_upstream": false, "queue_limit": 65536, "model": "m", "patients": 5,
        "ollama_url": "http://h:1/", "ping_interval": 0.25})")});
    EXPECT_EQ(c.port, 9000);
    EXPECT_EQ(c.ollama.inactivity_timeout, std::chrono::seconds(3));
    EXPECT_FALSE(c.stream_upstream);
    EXPECT_EQ(c.queue_limit, 65536u);
    EXPECT_EQ(c.ollama.model, "m");
    EXPECT_EQ(c.generate_patients, 5u);
    EXPECT_EQ(c.ollama.base_url, "http://h:1/");  // the file's URL is taken as written
    EXPECT_EQ(c.ping_interval, std::chrono::milliseconds(250));
}

TEST_F(ServerCliResolve, FlagsWinOverTheFile) {
    const auto c = resolved(
        {"--config", file(R"({"port": 9000, "model": "m", "threads": 2})"), "--port", "9001"});
    EXPECT_EQ(c.port, 9001);
    EXPECT_EQ(c.ollama.model, "m");
    EXPECT_EQ(c.threads, 2u);
}

TEST_F(ServerCliResolve, OllamaUrlFlagThenEnvThenFile) {
    const auto f = file(R"({"ollama_url": "http://file:1"})");
    EXPECT_EQ(resolved({"--config", f}).ollama.base_url, "http://file:1");
    EXPECT_EQ(resolved({"--config", f}, "envhost").ollama.base_url, "http://envhost:11434");
    EXPECT_EQ(resolved({"--config", f, "--ollama-url", "flag:2/"}, "envhost").ollama.base_url,
              "http://flag:2");
}

TEST_F(ServerCliResolve, AuthTokenFlagThenEnvThenFile) {
    const auto f = file(R"({"auth_token": "from-file"})");
    EXPECT_EQ(resolved({}).auth_token, "");
    EXPECT_EQ(resolved({"--config", f}).auth_token, "from-file");
    EXPECT_EQ(resolved({"--config", f}, nullptr, "from-env").auth_token, "from-env");
    EXPECT_EQ(resolved({"--config", f}, nullptr, "").auth_token, "from-file");
    EXPECT_EQ(
        resolved({"--config", f, "--auth-token", "from-flag"}, nullptr, "from-env").auth_token,
        "from-flag");
}

TEST_F(ServerCliResolve, UnknownKeyNamesTheValidOnes) {
    const auto m = refusal({"--config", file(R"({"ollama_timeout_s": 1})")});
    EXPECT_THAT(m, HasSubstr("cfg.json: ollama_timeout_s: unknown key; valid: host, port,"));
    EXPECT_THAT(m, HasSubstr("ollama_timeout, ollama_deadline"));
    EXPECT_THAT(m, HasSubstr("time_scale, threads, log_level"));
}

// Each config file text and what its refusal must say (after "FILE: ").
struct Refused {
    const char* file;
    const char* says;
};

TEST_F(ServerCliResolve, WrongTypesAreNamed) {
    for (const auto& [text, says] : {
             Refused{R"({"port": "80"})",
                     "port: wrong type: expected a non-negative integer, got a string"},
             Refused{R"({"max_message": 1.5})",
                     "max_message: wrong type: expected a non-negative integer, got 1.5"},
             Refused{R"({"ollama_timeout": "1"})",
                     "ollama_timeout: wrong type: expected a number, got a string"},
             Refused{R"({"stream_upstream": 0})",
                     "stream_upstream: wrong type: expected true or false, got 0"},
             Refused{R"({"model": null})", "model: wrong type: expected a string, got a null"},
             Refused{R"({"host": ["a"]})", "host: wrong type: expected a string, got an array"},
         }) {
        EXPECT_THAT(refusal({"--config", file(text)}), HasSubstr(std::string("cfg.json: ") + says))
            << text;
    }
}

TEST_F(ServerCliResolve, OutOfRangeValuesAreRefused) {
    for (const auto& [text, says] : {
             Refused{R"({"time_scale": 0})", "time_scale: valid: 1e-06 to 1e+06"},
             Refused{R"({"time_scale": -1})", "time_scale: valid: 1e-06 to 1e+06"},
             Refused{R"({"time_scale": 1e7})", "time_scale: valid: 1e-06 to 1e+06"},
             Refused{R"({"port": 65536})", "port: valid: 0 to 65535"},
             Refused{R"({"queue_limit": -1})", "queue_limit: valid: 0 or more"},
             Refused{R"({"max_connections": 0})", "max_connections: valid: 1 or more"},
             Refused{R"({"csv_formulas": "drop"})", "csv_formulas: valid: keep, escape, refuse"},
             Refused{R"({"log_level": "loud"})",
                     "log_level: valid: trace, debug, info, warn, error, off"},
         }) {
        EXPECT_THAT(refusal({"--config", file(text)}), HasSubstr(std::string("cfg.json: ") + says))
            << text;
    }
}

TEST_F(ServerCliResolve, MalformedFlagsAreRefusedLikeTheFile) {
    EXPECT_EQ(refusal({"--time-scale", "nan"}), "--time-scale: expected a number, got 'nan'");
    EXPECT_EQ(refusal({"--time-scale", "0"}), "--time-scale: valid: 1e-06 to 1e+06");
    EXPECT_EQ(refusal({"--ping-interval", "inf"}), "--ping-interval: expected a number, got 'inf'");
    EXPECT_EQ(refusal({"--port", "70000"}), "--port: valid: 0 to 65535");
    EXPECT_EQ(refusal({"--max-calls-per-connection", "0"}),
              "--max-calls-per-connection: valid: 1 or more");
    EXPECT_EQ(refusal({"--max-message", "-5"}), "--max-message: valid: 0 or more");
    EXPECT_EQ(refusal({"--csv-formulas", "drop"}), "--csv-formulas: valid: keep, escape, refuse");
}

TEST_F(ServerCliResolve, ANonObjectFileIsRefused) {
    EXPECT_THAT(refusal({"--config", file("[1, 2]")}),
                StartsWith((dir_ / "cfg.json").string() + ": expected a JSON object"));
}

TEST_F(ServerCliResolve, BadJsonNamesFileLineAndColumn) {
    const auto m = refusal({"--config", file("{\"port\":\n 1,}")});
    EXPECT_THAT(m, StartsWith((dir_ / "cfg.json").string() + ": "));
    EXPECT_THAT(m, HasSubstr("line 2, column 4"));
}

}  // namespace
}  // namespace core
