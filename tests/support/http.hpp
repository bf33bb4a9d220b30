#pragma once
// A tiny blocking HTTP client (libcurl) for tests: the mock's admin endpoints and plain HTTP
// probes of the server. Every request has a timeout; proxies from the environment are ignored.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace test_support {

struct HttpResponse {
    int curl_code = 0;  // CURLcode; 0 = the transfer worked (whatever the status)
    std::string error;  // curl's message when curl_code != 0
    long status = 0;
    std::vector<std::string> header_lines;  // raw, without CRLF
    std::string body;

    bool ok() const { return curl_code == 0; }
    // The value of the first header `name` (case-insensitive); empty when absent.
    std::string header(std::string_view name) const;
    // The body as JSON; a discarded value when it is not JSON.
    nlohmann::json json() const;
    // One line for assertion messages.
    std::string describe() const;
};

inline constexpr std::chrono::milliseconds kHttpTimeout{5000};

HttpResponse http_get(const std::string& url, std::chrono::milliseconds timeout = kHttpTimeout);
HttpResponse http_post_json(const std::string& url, const nlohmann::json& body,
                            std::chrono::milliseconds timeout = kHttpTimeout);

}  // namespace test_support
