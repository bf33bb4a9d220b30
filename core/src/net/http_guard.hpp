#pragma once
// The checks every HTTP request to mcp-server passes before anything else reads it (the
// Streamable HTTP transport's security rules, applied to the WebSocket upgrade too):
// - Origin: a browser page on another site must not drive a local server (DNS rebinding), so
//   a request whose Origin header is not a loopback origin or an allowed one is refused 403;
// - Host: while bound to loopback, the Host header must name loopback, for the same reason;
// - the bearer token, when one is configured: 401 without it or with another one; compared
//   in time independent of where the first difference is.
// Pure functions of the header values, so that they are unit-tested and fuzzed alone; the
// value rules themselves (loopback, bearer, constant-time compare) are common/http_fields.hpp,
// shared with mock-ollama's admin guard.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

struct HttpRefusal {
    int status;           // 401 or 403
    std::string message;  // the response body: what is wrong and how to fix it
};

class HttpGuard {
  public:
    // allowed_origins: comma-separated origins ("https://app.example:8443"), "*" for any.
    // loopback_only: the server is bound to a loopback address (Host is then checked).
    HttpGuard(std::string_view allowed_origins, bool loopback_only, std::string auth_token);

    // Header values as received; an absent header is nullopt.
    std::optional<HttpRefusal> check(std::optional<std::string_view> origin,
                                     std::optional<std::string_view> host,
                                     std::optional<std::string_view> authorization) const;

    bool requires_token() const { return !token_.empty(); }

  private:
    bool origin_allowed(std::string_view origin) const;

    std::vector<std::string> origins_;  // lower case, no trailing '/'
    bool any_origin_ = false;
    bool loopback_only_;
    std::string token_;
};

}  // namespace core
