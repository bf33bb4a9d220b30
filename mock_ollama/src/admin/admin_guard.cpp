#include "mock_ollama/admin_guard.hpp"

#include "common/http_fields.hpp"
#include "mock_ollama/wire.hpp"

namespace mock_ollama {

namespace fields = common::http;

namespace {

Reply refuse(int status, const std::string& message, std::vector<Header> extra = {}) {
    return Reply{http_error(status, message, false, extra), false};
}

}  // namespace

std::optional<Reply> check_admin_request(const HttpRequest& req, std::string_view token) {
    for (const auto& h : req.headers) {
        if (!fields::iequals(h.name, "origin") || fields::is_loopback_origin(h.value)) continue;
        return refuse(403, "the admin API refuses requests from web pages: Origin '" + h.value +
                               "' is not local (allowed: http(s)://127.0.0.1, localhost or "
                               "[::1], any port; or no Origin)");
    }
    if (!token.empty()) {
        const auto auth = req.header("Authorization");
        const auto given = auth ? fields::bearer_token(*auth) : std::nullopt;
        if (!given || !fields::constant_time_equal(*given, token)) {
            return refuse(401,
                          "the admin API needs 'Authorization: Bearer TOKEN' with the token "
                          "given to --admin-token",
                          {{"WWW-Authenticate", "Bearer"}});
        }
    }
    if (!req.body.empty()) {
        const auto type = req.header("Content-Type");
        if (!type || !fields::is_json_content_type(*type)) {
            return refuse(415,
                          "the admin API takes JSON bodies only: send 'Content-Type: "
                          "application/json' (got " +
                              (type ? "'" + std::string(*type) + "'" : std::string("none")) + ")");
        }
    }
    return std::nullopt;
}

}  // namespace mock_ollama
