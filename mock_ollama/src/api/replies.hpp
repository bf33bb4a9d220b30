#pragma once
// Complete replies in Ollama's shapes, shared by the handlers.
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/safe_text.hpp"
#include "mock_ollama/api.hpp"

namespace mock_ollama {

inline Reply json_reply(const nlohmann::json& body, int status = 200) {
    return {http_response(status, "application/json; charset=utf-8", dump_json(body)), false};
}

// {"error": message}
inline Reply ollama_error(int status, std::string_view message) {
    return {http_error(status, message), false};
}

// What Ollama (gin) sends for a handler that sets a status and writes nothing.
inline Reply empty_reply(int status = 200) {
    return {http_response(status, "text/plain; charset=utf-8", ""), false};
}

}  // namespace mock_ollama
