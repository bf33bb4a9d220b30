#include "scenario/server_block.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "common/enum_names.hpp"
#include "core/server_settings.hpp"
#include "run/server_args.hpp"

namespace harness {

namespace {

using nlohmann::json;

// Old scenario spellings of server settings, still accepted (docs/mcp-harness.md).
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"ollama_timeout_s", "ollama_timeout"},
    {"ollama_deadline_s", "ollama_deadline"},
    {"ping_interval_s", "ping_interval"},
    {"pong_timeout_s", "pong_timeout"},
};

// The harness's bounds on top of the server's: durations a run can wait out, and patients it
// can hold in memory.
constexpr double kMaxSeconds = 86'400;
constexpr std::uint64_t kMaxPatients = 1'000'000;

bool harness_owned(const std::string& key) {
    const auto& owned = harness_server_settings();
    return std::find(owned.begin(), owned.end(), key) != owned.end();
}

// The server setting a key names, or the problem with the key itself.
std::string setting_name(const std::string& given, const std::string& where) {
    std::string key = given;
    for (const auto& [alias, name] : kAliases) {
        if (given == alias) key = name;
    }
    const std::string at = where + "." + given;
    if (harness_owned(key)) {
        throw ServerBlockProblem{given,
                                 at + ": set by the harness for the server it launches (" +
                                     common::spelled_list(harness_server_settings()) +
                                     "), not by a scenario",
                                 true};
    }
    if (core::find_server_setting(key) == nullptr) {
        std::vector<std::string> valid;
        for (const auto& s : core::server_settings()) {
            if (!harness_owned(std::string(s.name))) valid.emplace_back(s.name);
        }
        throw ServerBlockProblem{given,
                                 "unknown key '" + given + "' in " + where + "; did you mean '" +
                                     nearest(given, valid) +
                                     "'? (valid: " + common::spelled_list(valid) + ")",
                                 true};
    }
    return key;
}

// The harness's own bound on a value the server's table accepted.
void check_harness_bound(const std::string& given, const std::string& key, const json& v,
                         const std::string& at) {
    std::ostringstream problem;
    if (core::find_server_setting(key)->kind == core::SettingKind::seconds) {
        const double d = v.get<double>();
        if (d < 0 || d > kMaxSeconds)
            problem << at << ": must be between 0 and " << kMaxSeconds << ", got " << d;
    } else if (key == "patients" && v.get<std::uint64_t>() > kMaxPatients) {
        problem << at << ": must be at most " << kMaxPatients << ", got " << v.get<std::uint64_t>();
    }
    if (!problem.str().empty()) throw ServerBlockProblem{given, problem.str()};
}

}  // namespace

ServerSettings read_server_block(const json& block, const std::string& where) {
    ServerSettings s;
    core::ServerConfig scratch;
    for (const auto& [given, value] : block.items()) {
        const std::string key = setting_name(given, where);
        const std::string at = where + "." + given;
        if (s.config.contains(key))
            throw ServerBlockProblem{
                given, at + ": " + key + " is given twice (once by its old name)", true};
        try {
            core::apply_server_setting(key, value, scratch);
        } catch (const std::invalid_argument& e) {
            throw ServerBlockProblem{given, at + ": " + e.what()};
        }
        check_harness_bound(given, key, value, at);
        s.config[key] = value;
    }
    if (s.config.contains("ollama_timeout"))
        s.ollama_timeout = s.config["ollama_timeout"].get<double>();
    return s;
}

}  // namespace harness
