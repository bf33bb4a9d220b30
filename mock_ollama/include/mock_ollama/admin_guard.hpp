#pragma once
// Who may use the admin API (/_mock/*). It changes what the mock answers and shows every
// prompt, so a web page the tester happens to open must not reach it: browsers send text/plain
// or form bodies cross-origin without a preflight (CSRF), and always say where they come from
// in `Origin`. Rules, in order:
//   1. every Origin header names a loopback host (127.0.0.1, localhost, [::1]; any port,
//      http or https) — else 403; requests without Origin (curl, test clients) pass;
//   2. with an admin token configured, `Authorization: Bearer TOKEN` — else 401;
//   3. a request with a body says `Content-Type: application/json` (parameters allowed) —
//      else 415.
#include <optional>
#include <string_view>

#include "mock_ollama/api.hpp"

namespace mock_ollama {

// The error reply for a request that breaks a rule, or nullopt when it may go on.
std::optional<Reply> check_admin_request(const HttpRequest& request, std::string_view token);

// `scheme://host[:port]` with scheme http or https and host 127.0.0.1, localhost (any case)
// or [::1], and nothing else ("null", paths and user info are foreign).
bool is_local_origin(std::string_view origin);

// application/json, in any case, with optional parameters ("; charset=utf-8").
bool is_json_content_type(std::string_view value);

// Whole-string equality whose time does not depend on where the strings differ.
bool token_matches(std::string_view expected, std::string_view given);

}  // namespace mock_ollama
