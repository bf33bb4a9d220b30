#include "mock_ollama/admin_guard.hpp"

#include <algorithm>
#include <cctype>

#include "mock_ollama/wire.hpp"

namespace mock_ollama {

namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool is_port(std::string_view s) {
    return !s.empty() && s.size() <= 5 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The token of an `Authorization: Bearer TOKEN` value, or nullopt for another scheme.
std::optional<std::string_view> bearer_token(std::string_view value) {
    value = trim(value);
    constexpr std::string_view kScheme = "bearer";
    if (value.size() <= kScheme.size() || !iequals(value.substr(0, kScheme.size()), kScheme) ||
        (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
        return std::nullopt;
    }
    return trim(value.substr(kScheme.size()));
}

Reply refuse(int status, const std::string& message, std::vector<Header> extra = {}) {
    return Reply{http_error(status, message, false, extra), false};
}

}  // namespace

bool is_local_origin(std::string_view origin) {
    std::string_view rest;
    if (origin.starts_with("http://")) {
        rest = origin.substr(7);
    } else if (origin.starts_with("https://")) {
        rest = origin.substr(8);
    } else {
        return false;
    }
    std::string_view host = rest;
    std::string_view port;
    if (rest.starts_with("[")) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return false;
        host = rest.substr(0, close + 1);
        const auto after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return false;
            port = after.substr(1);
            if (!is_port(port)) return false;
        }
    } else {
        const auto colon = rest.find(':');
        if (colon != std::string_view::npos) {
            host = rest.substr(0, colon);
            port = rest.substr(colon + 1);
            if (!is_port(port)) return false;
        }
    }
    return host == "127.0.0.1" || host == "[::1]" || iequals(host, "localhost");
}

bool is_json_content_type(std::string_view value) {
    const auto semicolon = value.find(';');
    return iequals(trim(value.substr(0, semicolon)), "application/json");
}

bool token_matches(std::string_view expected, std::string_view given) {
    // Every byte of `given` is compared (against the expected byte, or against itself when
    // `expected` is shorter), so the time depends only on the length of what was sent.
    unsigned char diff = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i) {
        const char e = i < expected.size() ? expected[i] : given[i];
        diff = static_cast<unsigned char>(
            diff | (static_cast<unsigned char>(e) ^ static_cast<unsigned char>(given[i])));
    }
    return diff == 0 && !expected.empty();
}

std::optional<Reply> check_admin_request(const HttpRequest& req, std::string_view token) {
    for (const auto& h : req.headers) {
        if (!iequals(h.name, "origin") || is_local_origin(h.value)) continue;
        return refuse(403, "the admin API refuses requests from web pages: Origin '" + h.value +
                               "' is not local (allowed: http(s)://127.0.0.1, localhost or "
                               "[::1], any port; or no Origin)");
    }
    if (!token.empty()) {
        const auto auth = req.header("Authorization");
        const auto given = auth ? bearer_token(*auth) : std::nullopt;
        if (!given || !token_matches(token, *given)) {
            return refuse(401,
                          "the admin API needs 'Authorization: Bearer TOKEN' with the token "
                          "given to --admin-token",
                          {{"WWW-Authenticate", "Bearer"}});
        }
    }
    if (!req.body.empty()) {
        const auto type = req.header("Content-Type");
        if (!type || !is_json_content_type(*type)) {
            return refuse(415,
                          "the admin API takes JSON bodies only: send 'Content-Type: "
                          "application/json' (got " +
                              (type ? "'" + std::string(*type) + "'" : std::string("none")) + ")");
        }
    }
    return std::nullopt;
}

}  // namespace mock_ollama
