#include "net/http_guard.hpp"

#include <algorithm>
#include <cctype>

namespace core {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// "127.x.y.z" with each part a number 0..255.
bool is_loopback_v4(std::string_view h) {
    int parts = 0;
    while (true) {
        const auto dot = h.find('.');
        const auto part = h.substr(0, dot);
        if (!all_digits(part) || part.size() > 3 || std::stoi(std::string(part)) > 255)
            return false;
        if (parts == 0 && part != "127") return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        h.remove_prefix(dot + 1);
    }
    return parts == 4;
}

}  // namespace

bool is_loopback_host(std::string_view host_port) {
    const std::string h = lower(trim(host_port));
    std::string_view host = h;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        const auto rest = host.substr(close + 1);
        if (!rest.empty() && !(rest.front() == ':' && all_digits(rest.substr(1)))) return false;
        return host.substr(0, close + 1) == "[::1]";
    }
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
        if (!all_digits(host.substr(colon + 1))) return false;
        host = host.substr(0, colon);
    }
    return host == "localhost" || is_loopback_v4(host);
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
    // Every byte of `expected` is compared whatever the length of `given`; the length
    // difference is folded into the result rather than returned early.
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
    }
    return diff == 0;
}

HttpGuard::HttpGuard(std::string_view allowed_origins, bool loopback_only, std::string auth_token)
    : loopback_only_(loopback_only), token_(std::move(auth_token)) {
    while (!allowed_origins.empty()) {
        const auto comma = allowed_origins.find(',');
        auto item = trim(allowed_origins.substr(0, comma));
        while (!item.empty() && item.back() == '/') item.remove_suffix(1);
        if (item == "*") any_origin_ = true;
        if (!item.empty()) origins_.push_back(lower(item));
        if (comma == std::string_view::npos) break;
        allowed_origins.remove_prefix(comma + 1);
    }
}

bool HttpGuard::origin_allowed(std::string_view origin) const {
    if (any_origin_) return true;
    const std::string o = lower(trim(origin));
    for (const auto& allowed : origins_) {
        if (o == allowed) return true;
    }
    // http://localhost:5173, https://127.0.0.1, http://[::1]:8080: a page served by this
    // machine itself.
    for (std::string_view scheme : {"http://", "https://"}) {
        if (o.rfind(scheme, 0) == 0) {
            const std::string_view rest = std::string_view(o).substr(scheme.size());
            return rest.find('/') == std::string_view::npos && is_loopback_host(rest);
        }
    }
    return false;
}

std::optional<HttpRefusal> HttpGuard::check(std::optional<std::string_view> origin,
                                            std::optional<std::string_view> host,
                                            std::optional<std::string_view> authorization) const {
    if (origin && !origin_allowed(*origin)) {
        return HttpRefusal{403, "Origin '" + std::string(origin->substr(0, 200)) +
                                    "' is not allowed. mcp-server accepts browser requests "
                                    "from loopback origins and those given with "
                                    "--allowed-origins\n"};
    }
    if (loopback_only_ && host && !is_loopback_host(*host)) {
        return HttpRefusal{403, "Host '" + std::string(host->substr(0, 200)) +
                                    "' is not this server: it listens on loopback only, so the "
                                    "Host header must be localhost, 127.0.0.1 or [::1]\n"};
    }
    if (!token_.empty()) {
        constexpr std::string_view kScheme = "bearer ";
        const std::string_view given = authorization ? trim(*authorization) : std::string_view();
        const bool bearer =
            given.size() > kScheme.size() && lower(given.substr(0, kScheme.size())) == kScheme;
        if (!bearer) {
            return HttpRefusal{401, authorization ? "The Authorization header must be 'Bearer "
                                                    "<token>' (see --auth-token)\n"
                                                  : "This server requires a bearer token: send "
                                                    "'Authorization: Bearer <token>' (see "
                                                    "--auth-token)\n"};
        }
        if (!constant_time_equal(trim(given.substr(kScheme.size())), token_)) {
            return HttpRefusal{401, "The bearer token is not the one this server was given\n"};
        }
    }
    return std::nullopt;
}

}  // namespace core
