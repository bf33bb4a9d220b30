#pragma once
// What every mock-ollama reply must be, whatever the request: checked by both mock fuzz
// targets. A violation traps, so libFuzzer keeps the input.
#include <charconv>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/utf8.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/config.hpp"

namespace mock_fuzz {

inline void require(bool ok) {
    if (!ok) __builtin_trap();
}

inline std::string_view header_value(std::string_view head, std::string_view name) {
    const auto at = head.find(name);
    if (at == std::string_view::npos) return {};
    const auto start = at + name.size();
    return head.substr(start, head.find("\r\n", start) - start);
}

// A complete HTTP/1.1 response: status line, headers, a body of exactly Content-Length
// bytes (none for HEAD); a JSON body is valid UTF-8 JSON.
inline void check_reply(const mock_ollama::Reply& reply, bool head_request) {
    const std::string_view bytes = reply.bytes;
    require(bytes.starts_with("HTTP/1.1 ") && bytes.size() > 13);
    int status = 0;
    require(std::from_chars(bytes.data() + 9, bytes.data() + 12, status).ec == std::errc{});
    require(status >= 200 && status <= 599 && bytes[12] == ' ');
    const auto split = bytes.find("\r\n\r\n");
    require(split != std::string_view::npos);
    const auto head = bytes.substr(0, split + 2);
    const auto body = bytes.substr(split + 4);
    const auto length = header_value(head, "\r\nContent-Length: ");
    require(!length.empty());
    std::size_t n = 0;
    require(std::from_chars(length.data(), length.data() + length.size(), n).ec == std::errc{});
    require(head_request ? body.empty() : body.size() == n);
    if (!head_request && header_value(head, "\r\nContent-Type: ").starts_with("application/json")) {
        require(common::utf8::valid(body));
        require(nlohmann::json::accept(body));
    }
}

// A generation plan: one offset per token, tokens within the cap and valid UTF-8.
inline void check_generation(const mock_ollama::Generation& g) {
    require(g.tokens.size() == g.offsets.size());
    require(g.tokens.size() <= mock_ollama::kMaxTokensPerResponse);
    for (const auto& t : g.tokens) require(common::utf8::valid(t));
}

// No handler threw: the guard's 500 contains a bug, it does not make it correct. (Counted by
// the Api, not read from the reply: a client can make an error text say anything.)
inline void check_no_internal_error(const mock_ollama::Api& api) {
    require(api.internal_errors() == 0);
}

inline void check_outcome(const mock_ollama::Outcome& out, bool head_request) {
    if (const auto* r = std::get_if<mock_ollama::Reply>(&out)) {
        check_reply(*r, head_request);
    } else {
        check_generation(std::get<mock_ollama::Generation>(out));
    }
}

}  // namespace mock_fuzz
