#pragma once
// One request written byte for byte on a fresh connection (with "Connection: close"), and the
// whole answer read back: for bodies and headers an HTTP library would refuse to send (invalid
// UTF-8, a wrong Content-Type alongside the right one, an Origin a browser would add).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "raw_connection.hpp"

namespace mock_test {

struct RawReply {
    int status = 0;  // 0 when no status line came back
    std::string head, body;
    RawConnection::End end = RawConnection::End::timeout;
    std::string bytes;

    // The body as JSON; a discarded value when it is not JSON.
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    // The `error` string of an Ollama error body, or "" when there is none.
    std::string error() const;
};

// Sends `method path` with `headers` ("Name: value") and `body` (Content-Length added when the
// body is not empty), then reads until the mock closes or `timeout` passes.
RawReply raw_exchange(unsigned short port, std::string_view method, std::string_view path,
                      std::string_view body = {}, const std::vector<std::string>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The same for a POST of `body` with "Content-Type: application/json".
RawReply raw_post_json(unsigned short port, std::string_view path, std::string_view body,
                       std::vector<std::string> headers = {});

}  // namespace mock_test
