#pragma once
// A scenario's "server" block: the server's own config-file keys, checked by the server's
// settings table (core/server_settings.hpp) so that a block the harness accepts is one the
// server accepts, plus the harness's own bounds.
#include <string>

#include <nlohmann/json.hpp>

#include "harness/scenario.hpp"

namespace harness {

// What is wrong with one key of the block: the key as written, the whole message, and whether
// the key itself (not its value) is at fault.
struct ServerBlockProblem {
    std::string key;
    std::string message;
    bool at_key = false;
};

// Reads the JSON object `block`, named `where` in messages ("server"). Old spellings
// (ollama_timeout_s, ...) are renamed; the settings the harness decides itself are refused.
// Throws ServerBlockProblem.
ServerSettings read_server_block(const nlohmann::json& block, const std::string& where);

}  // namespace harness
