#include "mock_ollama/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

namespace {

using namespace mock_ollama;
using nlohmann::json;
using ::testing::HasSubstr;

std::string apply_error(const json& doc, bool at_start = false) {
    RuntimeConfig rt;
    MockConfig cfg;
    try {
        apply_config_json(doc, rt, at_start ? &cfg : nullptr);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    ADD_FAILURE() << doc.dump() << " was accepted";
    return {};
}

TEST(Config, DefaultsAreDocumented) {
    MockConfig c;
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 11434);
    EXPECT_EQ(c.runtime.pacing.tps, 50.0);
    EXPECT_EQ(c.runtime.pacing.ttft, std::chrono::milliseconds(200));
    ASSERT_EQ(c.runtime.models.size(), 4u);
    EXPECT_EQ(c.runtime.models[0].name, "phi:latest");
    EXPECT_EQ(c.runtime.models[3].name, "qwen3:latest");
    EXPECT_TRUE(c.runtime.models[3].capabilities.has(Capability::thinking));
    EXPECT_FALSE(c.runtime.models[0].capabilities.has(Capability::tools));
}

TEST(Config, PacingTextAndSeedApply) {
    RuntimeConfig rt;
    apply_config_json(json{{"seed", 9},
                           {"ttft_ms", 5},
                           {"tps", 200},
                           {"jitter", 0.25},
                           {"tokens", 7},
                           {"profile", "hostile"},
                           {"hostile_rate", 0.5}},
                      rt, nullptr);
    EXPECT_EQ(rt.seed, 9u);
    EXPECT_EQ(rt.pacing.ttft, std::chrono::milliseconds(5));
    EXPECT_EQ(rt.pacing.tps, 200.0);
    EXPECT_EQ(rt.pacing.jitter, 0.25);
    EXPECT_EQ(rt.pacing.tokens, 7u);
    EXPECT_EQ(rt.text.profile, TextProfile::hostile);
    EXPECT_EQ(rt.text.hostile_rate, 0.5);
}

TEST(Config, ModelsAreTaggedAndCarryTheirPacing) {
    RuntimeConfig rt;
    apply_config_json(json::parse(R"({"models":[{"name":"tiny","tps":5},{"name":"x:7b"}]})"), rt,
                      nullptr);
    ASSERT_EQ(rt.models.size(), 2u);
    EXPECT_EQ(rt.models[0].name, "tiny:latest");
    EXPECT_EQ(*rt.models[0].pacing.tps, 5.0);
    EXPECT_EQ(rt.models[1].name, "x:7b");
}

TEST(Config, EveryModelAndRuleKeyIsReadAndUnknownKeysNameTheValidOnes) {
    RuntimeConfig rt;
    apply_config_json(json::parse(R"({"models":[{"name":"host:5000/ns/m","family":"f",
        "parameter_size":"1B","quantization_level":"Q4","size":9,"ttft_ms":1,"tps":2,
        "jitter":0.5,"tokens":3}],"rules":[{"match":"P1","model":"m","count":2,
        "fault":"reset:after=1","profile":"plain","tokens":4}]})"),
                      rt, nullptr);
    ASSERT_EQ(rt.models.size(), 1u);
    const auto& m = rt.models[0];
    EXPECT_EQ(m.name, "host:5000/ns/m:latest");  // a registry port is not a tag
    EXPECT_EQ(m.family, "f");
    EXPECT_EQ(m.parameter_size, "1B");
    EXPECT_EQ(m.quantization_level, "Q4");
    EXPECT_EQ(m.size, 9);
    EXPECT_EQ(*m.pacing.ttft, std::chrono::milliseconds(1));
    EXPECT_EQ(*m.pacing.tps, 2.0);
    EXPECT_EQ(*m.pacing.jitter, 0.5);
    EXPECT_EQ(*m.pacing.tokens, 3u);
    ASSERT_EQ(rt.rules.size(), 1u);
    const auto& r = rt.rules[0];
    EXPECT_EQ(r.match, "P1");
    EXPECT_EQ(r.model, "m:latest");
    EXPECT_EQ(*r.remaining, 2u);
    EXPECT_EQ(r.fault->kind, FaultKind::reset);
    EXPECT_EQ(*r.profile, TextProfile::plain);
    EXPECT_EQ(*r.pacing.tokens, 4u);

    EXPECT_THAT(apply_error(json{{"models", {{{"name", "a"}, {"colour", 1}}}}}),
                HasSubstr("models[0].colour: unknown key; valid: name, family, parameter_size, "
                          "quantization_level, size, capabilities, ttft_ms, tps, jitter, tokens"));
    EXPECT_THAT(apply_error(json{{"rules", {{{"colour", 1}}}}}),
                HasSubstr("rules[0].colour: unknown key; valid: match, model, count, fault, "
                          "profile, ttft_ms, tps, jitter, tokens"));
    EXPECT_THAT(apply_error(json{{"models", {{{"name", 1}}}}}),
                HasSubstr("models[0].name: expected a string, got number"));
    EXPECT_THAT(apply_error(json{{"rules", {1}}}), HasSubstr("rules[0]: expected an object"));
}

TEST(Config, GlobalFaultBecomesAFirstRuleAndCanBeCleared) {
    RuntimeConfig rt;
    apply_config_json(json{{"rules", {{{"match", "P007"}, {"tps", 1}}}}}, rt, nullptr);
    apply_config_json(json{{"fault", "reset:after=2"}, {"fault_count", 1}}, rt, nullptr);
    ASSERT_EQ(rt.rules.size(), 2u);
    EXPECT_EQ(rt.rules[0].fault->kind, FaultKind::reset);
    EXPECT_EQ(*rt.rules[0].remaining, 1u);
    EXPECT_EQ(rt.rules[1].match, "P007");
    apply_config_json(json{{"fault", "none"}}, rt, nullptr);
    ASSERT_EQ(rt.rules.size(), 1u);
    EXPECT_EQ(rt.rules[0].match, "P007");
}

TEST(Config, ErrorsNameTheKeyAndChangeNothing) {
    RuntimeConfig rt;
    const auto before = runtime_to_json(rt);
    EXPECT_THROW(apply_config_json(json{{"tps", 10}, {"bogus", 1}}, rt, nullptr),
                 std::invalid_argument);
    EXPECT_EQ(runtime_to_json(rt), before);
    EXPECT_THAT(apply_error(json{{"bogus", 1}}), HasSubstr("bogus: unknown key; valid: seed"));
    EXPECT_THAT(apply_error(json{{"tps", "fast"}}),
                HasSubstr("tps: expected a number, got string"));
    EXPECT_THAT(apply_error(json{{"jitter", 2}}), HasSubstr("jitter: must be between 0 and 1"));
    EXPECT_THAT(apply_error(json{{"tokens", -1}}), HasSubstr("tokens: expected a non-negative"));
    EXPECT_THAT(apply_error(json{{"fault", "nope"}}), HasSubstr("fault: unknown fault 'nope'"));
    EXPECT_THAT(apply_error(json{{"fault_count", 2}}), HasSubstr("fault_count: needs 'fault'"));
    EXPECT_THAT(apply_error(json{{"rules", {{{"matches", "x"}}}}}),
                HasSubstr("rules[0].matches: unknown key"));
    EXPECT_THAT(apply_error(json{{"models", {{{"tps", 1}}}}}),
                HasSubstr("models[0]: missing 'name'"));
    EXPECT_THAT(apply_error(json{{"port", 1}}), HasSubstr("port: can only be set at start"));
    EXPECT_THAT(apply_error(json{{"port", 70000}}, true), HasSubstr("port: must be 0..65535"));
    EXPECT_THAT(apply_error(json::array()), HasSubstr("expected a JSON object"));
}

TEST(Config, FileLoadsStartKeysAndNamesItselfInErrors) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("mock_cfg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto good = dir / "good.json";
    std::ofstream(good) << R"({"port": 0, "time_scale": 0.5, "tps": 7, "log_level": "warn"})";
    MockConfig c;
    load_config_file(good, c);
    EXPECT_EQ(c.port, 0);
    EXPECT_EQ(c.time_scale, 0.5);
    EXPECT_EQ(c.runtime.pacing.tps, 7.0);
    EXPECT_EQ(c.log_level, common::LogLevel::warn);

    const auto bad = dir / "bad.json";
    std::ofstream(bad) << "{\n  \"tps\": 7,\n  oops\n}";
    try {
        load_config_file(bad, c);
        ADD_FAILURE() << "bad JSON accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr(bad.string()));
        EXPECT_THAT(e.what(), HasSubstr("line 3"));
    }
    EXPECT_THROW(load_config_file(dir / "missing.json", c), std::invalid_argument);
    std::filesystem::remove_all(dir);
}

TEST(Config, ARunTimeScriptsPathNeedsAScriptsDir) {
    const std::string message = apply_error(json{{"scripts", "/etc/passwd"}});
    EXPECT_EQ(message,
              "scripts: a file path is accepted at run time only when mock-ollama runs with "
              "--scripts-dir DIR (config key scripts_dir), and only for files under DIR; "
              "post the scripts inline instead, as an array of entries");
}

TEST(Config, ARunTimeScriptsPathStaysInTheScriptsDir) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("mock_sdir_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "in");
    std::ofstream(dir / "in" / "a.json") << R"([{"match":"x","tokens":["y"]}])";
    std::ofstream(dir / "b.json") << R"([{"match":"x","tokens":["y"]}])";
    RuntimeConfig rt;
    apply_config_json(json{{"scripts", "a.json"}}, rt, nullptr, dir / "in");
    ASSERT_TRUE(rt.scripts);
    EXPECT_EQ(rt.scripts->size(), 1u);
    // The directory given with a trailing slash or through "..": the same directory.
    apply_config_json(json{{"scripts", (dir / "in" / "a.json").string()}}, rt, nullptr,
                      dir / "in" / ".." / "in" / "");
    for (const auto* path : {"../b.json", "/etc/passwd", "", "."}) {
        try {
            apply_config_json(json{{"scripts", path}}, rt, nullptr, dir / "in");
            ADD_FAILURE() << path << " accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_THAT(e.what(), HasSubstr("is outside the scripts directory")) << path;
        }
    }
    std::filesystem::remove_all(dir);
}

TEST(Config, AdminKeysAreStartOnly) {
    MockConfig c;
    apply_config_json(json{{"admin_token", "t0k"}, {"scripts_dir", "/srv/scripts"}}, c.runtime, &c);
    EXPECT_EQ(c.admin_token, "t0k");
    EXPECT_EQ(c.scripts_dir, "/srv/scripts");
    EXPECT_THAT(apply_error(json{{"admin_token", "x"}}),
                HasSubstr("admin_token: can only be set at start"));
    EXPECT_THAT(apply_error(json{{"scripts_dir", "/"}}),
                HasSubstr("scripts_dir: can only be set at start"));
    EXPECT_THAT(apply_error(json{{"admin_token", ""}}, true),
                HasSubstr("admin_token: must not be empty"));
}

TEST(Config, SizesAreCapped) {
    EXPECT_EQ(apply_error(json{{"tokens", 1'000'001}}),
              "tokens: must be at most 1000000, got 1000001");
    EXPECT_EQ(apply_error(json{{"models", {{{"name", "a"}, {"tokens", 2'000'000}}}}}),
              "models[0].tokens: must be at most 1000000, got 2000000");
    json models = json::array();
    for (int i = 0; i < 1001; ++i) models.push_back({{"name", "m" + std::to_string(i)}});
    EXPECT_EQ(apply_error(json{{"models", models}}), "models: at most 1000 models, got 1001");
    json rules = json::array();
    for (int i = 0; i < 10'001; ++i) rules.push_back({{"match", "x"}});
    EXPECT_EQ(apply_error(json{{"rules", rules}}), "rules: at most 10000 rules, got 10001");
    RuntimeConfig rt;
    apply_config_json(json{{"tokens", 1'000'000}}, rt, nullptr);
    EXPECT_EQ(rt.pacing.tokens, 1'000'000u);
}

TEST(Config, PullFailListsNamesAndRefusesAnythingElse) {
    RuntimeConfig rt;
    apply_config_json(json{{"pull_fail", {"ghost", "x:7b"}}}, rt, nullptr);
    EXPECT_EQ(rt.pull_fail, (std::vector<std::string>{"ghost", "x:7b"}));
    EXPECT_EQ(runtime_to_json(rt)["pull_fail"], json({"ghost", "x:7b"}));
    EXPECT_THAT(apply_error(json{{"pull_fail", "ghost"}}),
                HasSubstr("pull_fail: expected an array of names"));
    EXPECT_THAT(apply_error(json{{"pull_fail", {1}}}),
                HasSubstr("pull_fail[0]: expected a string, got number"));
    EXPECT_THAT(apply_error(json{{"pull_fail", json::array()}, {"bogus", 1}}),
                HasSubstr("scripts, pull_fail"));
}

TEST(Config, HostPortParsingFollowsOllamaHost) {
    std::string host = "127.0.0.1";
    unsigned short port = 11434;
    EXPECT_TRUE(parse_host_port("0.0.0.0", host, port));
    EXPECT_EQ(host, "0.0.0.0");
    EXPECT_EQ(port, 11434);
    EXPECT_TRUE(parse_host_port("http://127.0.0.1:9999/", host, port));
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 9999);
    EXPECT_TRUE(parse_host_port(":8080", host, port));
    EXPECT_EQ(port, 8080);
    EXPECT_FALSE(parse_host_port("host:99999", host, port));
    EXPECT_FALSE(parse_host_port("host:abc", host, port));
    EXPECT_FALSE(parse_host_port("", host, port));
}

}  // namespace
