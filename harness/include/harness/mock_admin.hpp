#pragma once
// The mock-ollama admin endpoints, for before and after a run: what each generation request
// emitted and when (/_mock/requests), counters (/_mock/stats), reset and run-time config.
// Blocking libcurl calls: never call them on an event-loop thread.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness {

struct MockToken {
    std::size_t index = 0;
    std::string text;
    std::int64_t t_us = 0;          // written to the socket, wall µs since the epoch
    std::int64_t scheduled_us = 0;  // when it was due
};

struct MockRequest {
    std::uint64_t id = 0;
    std::string endpoint, model, prompt, outcome, done_reason, fault, text;
    bool stream = false;
    int status = 0;
    std::int64_t received_us = 0;
    std::vector<MockToken> tokens;

    std::vector<std::int64_t> emitted_us() const;
    std::vector<std::string> token_texts() const;
};

MockRequest parse_mock_request(const nlohmann::json& j);
// The requests of one GET /_mock/requests page ({"requests": [...]}), each as
// parse_mock_request reads it, appended to `out` without building a DOM (100,000 tokens at
// load). False, with `out` untouched, when the page is anything else: parse it with
// nlohmann then, which names the problem.
bool scan_mock_requests(std::string_view page, std::vector<MockRequest>& out);

class MockAdmin {
  public:
    // base_url: "http://127.0.0.1:PORT"
    explicit MockAdmin(std::string base_url,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

    nlohmann::json stats() const;
    // Every logged request with id > since, oldest first, fetched `page` at a time (fewer
    // when a page is too large for the mock to send). With `prompt_lines`, only the requests
    // whose prompt has one of those lines whole, filtered by the mock (POST /_mock/requests).
    std::vector<MockRequest> requests(std::uint64_t since = 0, bool tokens = true,
                                      std::size_t page = 100,
                                      const std::vector<std::string>& prompt_lines = {}) const;
    // GET /_mock/clock: the mock's wall clock (µs since the epoch) and its last request id.
    struct Clock {
        std::int64_t wall_us = 0;
        std::uint64_t last_id = 0;
    };
    Clock clock() const;
    void reset() const;
    nlohmann::json config() const;
    void set_config(const nlohmann::json& config) const;

    // One request; the body of a 2xx answer. Throws std::runtime_error otherwise.
    std::string get(const std::string& target) const;
    std::string post(const std::string& target, const std::string& body) const;

  private:
    std::string perform(const std::string& target, const std::string* body) const;

    std::string base_url_;
    std::chrono::milliseconds timeout_;
};

}  // namespace harness
