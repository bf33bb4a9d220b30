#pragma once
// The request a test hands Api::handle, as a client would send it.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mock_ollama/api.hpp"

namespace mock_ollama::test_support {

// When the tests' requests arrive (wall µs): a fixed instant, so logs compare equal.
inline constexpr std::int64_t kReceivedUs = 1'700'000'000'000'000;

// A body goes with "Content-Type: application/json", as every client sends it: the admin
// API refuses bodies of another type.
inline HttpRequest api_request(std::string method, std::string target, std::string body,
                               std::vector<Header> headers) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    return r;
}

}  // namespace mock_ollama::test_support
