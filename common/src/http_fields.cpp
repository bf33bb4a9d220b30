#include "common/http_fields.hpp"

#include <algorithm>
#include <cctype>

namespace common::http {

namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_port(std::string_view s) {
    return !s.empty() && s.size() <= 5 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "127.x.y.z", each part a number 0..255 written in decimal.
bool is_loopback_v4(std::string_view h) {
    int parts = 0;
    for (;;) {
        const auto dot = h.find('.');
        const auto part = h.substr(0, dot);
        if (part.empty() || part.size() > 3 ||
            !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(std::string(part)) > 255) {
            return false;
        }
        if (parts == 0 && part != "127") return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        h.remove_prefix(dot + 1);
    }
    return parts == 4;
}

}  // namespace

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool is_loopback_host(std::string_view host_port) {
    std::string_view host = trim_ows(host_port);
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        const auto rest = host.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && is_port(rest.substr(1)))) return false;
        return host.substr(0, close + 1) == "[::1]";
    }
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
        if (!is_port(host.substr(colon + 1))) return false;
        host = host.substr(0, colon);
    }
    return iequals(host, "localhost") || is_loopback_v4(host);
}

bool is_loopback_origin(std::string_view origin) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (origin.size() > scheme.size() && iequals(origin.substr(0, scheme.size()), scheme)) {
            const auto rest = origin.substr(scheme.size());
            // A path, user info or white space is not an origin of this machine.
            if (rest.find_first_of("/@ \t") != std::string_view::npos) return false;
            return is_loopback_host(rest);
        }
    }
    return false;
}

std::optional<std::string_view> bearer_token(std::string_view value) {
    value = trim_ows(value);
    constexpr std::string_view kScheme = "bearer";
    if (value.size() <= kScheme.size() || !iequals(value.substr(0, kScheme.size()), kScheme) ||
        (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
        return std::nullopt;
    }
    return trim_ows(value.substr(kScheme.size()));
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
    // Every byte of `expected` is compared whatever the length of `given`; a length difference
    // is folded into the result rather than returned early.
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
    }
    return diff == 0;
}

bool is_json_content_type(std::string_view value) {
    const auto semicolon = value.find(';');
    return iequals(trim_ows(value.substr(0, semicolon)), "application/json");
}

}  // namespace common::http
