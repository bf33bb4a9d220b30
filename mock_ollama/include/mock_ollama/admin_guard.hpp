#pragma once
// Who may use the admin API (/_mock/*). It changes what the mock answers and shows every
// prompt, so a web page the tester happens to open must not reach it: browsers send text/plain
// or form bodies cross-origin without a preflight (CSRF), and always say where they come from
// in `Origin`. Rules, in order:
//   1. every Origin header names a loopback host (127.x.y.z, localhost, [::1]; any port,
//      http or https; common/http_fields.hpp, shared with mcp-server) — else 403; requests
//      without Origin (curl, test clients) pass;
//   2. with an admin token configured, `Authorization: Bearer TOKEN` — else 401;
//   3. a request with a body says `Content-Type: application/json` (parameters allowed) —
//      else 415.
#include <optional>
#include <string_view>

#include "mock_ollama/api.hpp"

namespace mock_ollama {

// The error reply for a request that breaks a rule, or nullopt when it may go on.
std::optional<Reply> check_admin_request(const HttpRequest& request, std::string_view token);

}  // namespace mock_ollama
