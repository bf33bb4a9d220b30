#pragma once
// A real mock-ollama process for one test (test_support::LoggedService: port 0, bounded wait
// for its ready line, stderr tail printed when the test failed), stopped with SIGTERM at the
// end, where it must exit with status 0 (a sanitizer report, a leak included, fails the test).
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/mock_admin.hpp"
#include "http_client.hpp"
#include "support/http.hpp"
#include "support/processes.hpp"

namespace mock_test {

// Fast, short generations for most tests: 6 tokens, the first after 10 ms, then one per ms.
inline const std::vector<std::string> kFastArgs = {"--time-scale", "0.1", "--ttft",   "100",
                                                   "--tps",        "100", "--tokens", "6"};

class MockProcess {
  public:
    // Starts `mock-ollama --host 127.0.0.1 --port 0 <args>`; throws when it does not come up.
    explicit MockProcess(std::vector<std::string> args = kFastArgs);
    ~MockProcess();
    MockProcess(const MockProcess&) = delete;
    MockProcess& operator=(const MockProcess&) = delete;

    unsigned short port() const { return child_.service().port(); }
    const std::string& base_url() const { return child_.service().url(); }
    std::string stderr_tail() const { return child_.service().stderr_tail(); }
    bool running() { return child_.service().child().running(); }
    // SIGTERM; returns the exit status (0 for a clean shutdown).
    int stop() { return child_.service().stop(std::chrono::seconds(5)); }

    // A client with its own connection cache.
    HttpClient client() const { return HttpClient(base_url()); }

    // Admin views (harness::MockAdmin, a fresh connection each); a failed read throws, which
    // fails the test.
    nlohmann::json stats() const;
    nlohmann::json requests(std::string_view query = "") const;
    // The most recent entry of /_mock/requests.
    nlohmann::json last_request() const;

  private:
    nlohmann::json get_json(std::string_view path) const;

    test_support::LoggedService child_;
    harness::MockAdmin admin_;
};

// Token texts of a /_mock/requests entry, in order.
std::vector<std::string> token_texts(const nlohmann::json& request_record);

// The bodies used throughout: a generation request for `model` with `prompt`.
nlohmann::json generate_body(std::string_view prompt,
                             nlohmann::json extra = nlohmann::json::object(),
                             std::string_view model = "phi");
nlohmann::json chat_body(std::string_view prompt, nlohmann::json extra = nlohmann::json::object(),
                         std::string_view model = "phi");

// Parses each record as JSON; a record that is not JSON becomes a discarded value.
std::vector<nlohmann::json> parse_records(const std::vector<Record>& records);

// Calls `probe` until it returns true or `timeout` passes; returns the last result. Each probe
// is meant to be an HTTP round trip to the mock, which paces the loop.
bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout);

// A normal streamed generation on a fresh connection, checked against the mock's own log: the
// proof, after bad input, that the same process still serves.
void expect_serves_a_normal_request(const MockProcess& mock);

// Microseconds between two steady instants.
inline std::int64_t micros(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

}  // namespace mock_test
