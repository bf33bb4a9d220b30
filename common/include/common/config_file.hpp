#pragma once
// The one JSON config-file reader of mcp-server and mock-ollama (`--config FILE`): open, parse,
// and name the file in every error. Each program applies the keys to its own config struct;
// the command line is applied afterwards, so flags given on it win over the file, which wins
// over the defaults.
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace common {

// The document in `file`. Throws std::invalid_argument "FILE: cannot open" or
// "FILE: <the parser's message with line and column>".
nlohmann::json read_json_file(const std::filesystem::path& file);

// Calls `apply` for each key of the JSON object `doc` read from `file`. Errors name the file
// and the key: "FILE: expected a JSON object", "FILE: KEY: wrong type (...)" for a JSON type
// error, "FILE: KEY: <message>" for a std::invalid_argument thrown by `apply`.
using ConfigKeyFn = std::function<void(const std::string& key, const nlohmann::json& value)>;
void apply_config_object(const std::filesystem::path& file, const nlohmann::json& doc,
                         const ConfigKeyFn& apply);

}  // namespace common
