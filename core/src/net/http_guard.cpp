#include "net/http_guard.hpp"

#include "common/http_fields.hpp"

namespace core {

using common::http::ascii_lower;
using common::http::trim_ows;
namespace fields = common::http;

HttpGuard::HttpGuard(std::string_view allowed_origins, bool loopback_only, std::string auth_token)
    : loopback_only_(loopback_only), token_(std::move(auth_token)) {
    while (!allowed_origins.empty()) {
        const auto comma = allowed_origins.find(',');
        auto item = trim_ows(allowed_origins.substr(0, comma));
        while (!item.empty() && item.back() == '/') item.remove_suffix(1);
        if (item == "*") any_origin_ = true;
        if (!item.empty()) origins_.push_back(ascii_lower(item));
        if (comma == std::string_view::npos) break;
        allowed_origins.remove_prefix(comma + 1);
    }
}

bool HttpGuard::origin_allowed(std::string_view origin) const {
    if (any_origin_) return true;
    const std::string o = ascii_lower(trim_ows(origin));
    for (const auto& allowed : origins_) {
        if (o == allowed) return true;
    }
    // http://localhost:5173, https://127.0.0.1, http://[::1]:8080: a page served by this
    // machine itself.
    return fields::is_loopback_origin(o);
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
    if (loopback_only_ && host && !fields::is_loopback_host(*host)) {
        return HttpRefusal{403, "Host '" + std::string(host->substr(0, 200)) +
                                    "' is not this server: it listens on loopback only, so the "
                                    "Host header must be localhost, 127.0.0.1 or [::1]\n"};
    }
    if (!token_.empty()) {
        const auto given = authorization ? fields::bearer_token(*authorization) : std::nullopt;
        if (!given) {
            return HttpRefusal{401, authorization ? "The Authorization header must be 'Bearer "
                                                    "<token>' (see --auth-token)\n"
                                                  : "This server requires a bearer token: send "
                                                    "'Authorization: Bearer <token>' (see "
                                                    "--auth-token)\n"};
        }
        if (!fields::constant_time_equal(*given, token_)) {
            return HttpRefusal{401, "The bearer token is not the one this server was given\n"};
        }
    }
    return std::nullopt;
}

}  // namespace core
