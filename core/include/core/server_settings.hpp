#pragma once
// mcp-server's settings, one row each: the config-file key ("ollama_timeout"), from which the
// flag is derived ("--ollama-timeout"), the help text, the kind of value (its JSON type and
// range) and where it goes in ServerConfig. The command line, the config file and the
// harness's scenario "server" block all read this table, so that a setting is written once
// and all three refuse the same values with the same words.
//
// The table is its own small library (core_settings: no curl, no Beast) so that the harness
// validates a scenario with the server's own rules.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/server_config.hpp"

namespace core {

enum class SettingKind {
    text,        // a JSON string
    choice,      // a string, one of `choices`
    count,       // an integer in [min, max]
    seconds,     // a finite number of seconds (before time_scale)
    real,        // a number in [lo, hi]
    off_switch,  // a boolean that defaults to true; the flag is "--no-NAME" and sets false
};

struct ServerSetting {
    std::string_view name;  // the config-file key
    SettingKind kind;
    std::string_view help;  // the flag's help text
    // Stores a value that check_setting_value has accepted.
    void (*set)(ServerConfig& config, const nlohmann::json& value);
    std::span<const std::string_view> choices = {};                 // choice
    std::uint64_t min = 0;                                          // count
    std::uint64_t max = std::numeric_limits<std::uint64_t>::max();  // count
    double lo = 0, hi = 0;                                          // real

    // "--ollama-timeout"; an off_switch's is "--no-stream-upstream".
    std::string flag() const;
};

// Every setting, in the order of `mcp-server --help`.
std::span<const ServerSetting> server_settings();
const ServerSetting* find_server_setting(std::string_view name);
// "host, port, ..." in table order: the list an unknown key is answered with.
std::string server_setting_names();

// Throws std::invalid_argument when `value` is not one the setting takes:
// "wrong type: expected ..., got ..." or "valid: ...".
void check_setting_value(const ServerSetting& setting, const nlohmann::json& value);
// Checks and stores one key; an unknown key throws "unknown key; valid: <every name>".
void apply_server_setting(const std::string& key, const nlohmann::json& value,
                          ServerConfig& config);
// The JSON value a flag's text stands for ("12" -> 12 for a count, "x" -> "x" for text); the
// value is then checked as a config file's would be. Throws std::invalid_argument.
nlohmann::json setting_value_from_text(const ServerSetting& setting, const std::string& text);

// Applies a JSON config file (common's reader): errors name the file and the key.
void apply_server_config_file(const std::filesystem::path& file, ServerConfig& config);

}  // namespace core
