#pragma once
// A small libcurl client for the integration tests. Every transfer records what the client
// saw: status, headers, body, each received piece with its arrival time (steady and wall
// clock), and the curl error code, so tests can assert on faults as a real client meets them.
#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mock_test {

using Clock = std::chrono::steady_clock;

// One piece of the (de-chunked) body as a write callback received it.
struct Received {
    std::string bytes;
    Clock::time_point at;
    std::int64_t wall_us = 0;  // microseconds since the epoch, comparable with the mock's t_us
};

// A record of the body (an NDJSON line or an SSE frame, without its terminator), stamped
// with the arrival of its last byte.
struct Record {
    std::string text;
    Clock::time_point at;
    std::int64_t wall_us = 0;
};

struct Response {
    CURLcode error = CURLE_OK;
    std::string error_text;  // curl's error buffer, empty when none
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
    std::string body;
    std::vector<Received> pieces;
    Clock::time_point started{}, headers_at{}, finished{};
    long connects = 0;  // new connections curl opened for this transfer (0: one was reused)

    bool ok() const { return error == CURLE_OK; }
    std::optional<std::string> header(std::string_view name) const;
    // Records terminated by `terminator` ("\n" for NDJSON, "\n\n" for SSE).
    std::vector<Record> records(std::string_view terminator) const;
    std::vector<Record> lines() const { return records("\n"); }
    // Bytes after the last terminator (a line cut short).
    std::string trailing(std::string_view terminator) const;
    // The body as JSON; a discarded value when it is not JSON.
    nlohmann::json json() const;
    // A one-line summary for assertion messages.
    std::string describe() const;
};

struct Request {
    std::string method = "GET";
    std::string path = "/";
    std::optional<std::string> body = {};
    std::vector<std::string> headers = {};  // "Name: value"
    std::chrono::milliseconds timeout{10'000};
};

// One client keeps one connection cache, so consecutive requests reuse a keep-alive
// connection as real Ollama clients do. Not thread-safe; one per thread.
class HttpClient {
  public:
    explicit HttpClient(std::string base_url);
    ~HttpClient();
    HttpClient(HttpClient&& other) noexcept;
    HttpClient& operator=(HttpClient&&) = delete;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Response perform(const Request& request);
    Response get(std::string_view path, std::chrono::milliseconds timeout = kDefaultTimeout);
    Response post(std::string_view path, std::string body, std::vector<std::string> headers = {},
                  std::chrono::milliseconds timeout = kDefaultTimeout);
    Response post(std::string_view path, const nlohmann::json& body,
                  std::vector<std::string> headers = {},
                  std::chrono::milliseconds timeout = kDefaultTimeout) {
        return post(path, body.dump(), std::move(headers), timeout);
    }

    // Runs all requests at once over separate connections (curl multi); answers in order.
    std::vector<Response> perform_concurrently(const std::vector<Request>& requests);

    const std::string& base_url() const { return base_url_; }

    static constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

  private:
    std::string base_url_;
    CURL* easy_ = nullptr;
};

}  // namespace mock_test
