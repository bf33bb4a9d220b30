// A stream faster than its client reads: the mock sends what is due in bounded batches and,
// like a real Ollama whose write blocks, holds the generation back while the client's socket
// is full. Nothing piles up in memory, the client is not dropped, and once it reads it gets
// every token in order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "mock_fixture.hpp"
#include "raw_connection.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int kTokens = 50000;  // ~4 MB of NDJSON: far more than the socket buffers hold

TEST(Backpressure, AClientThatDoesNotReadHoldsTheStreamBackAndLosesNothing) {
    MockProcess mock({"--tps", "10000000", "--ttft", "0", "--tokens", std::to_string(kTokens),
                      "--profile", "plain"});
    RawConnection raw(mock.port(), 4096);
    const std::string body = generate_body("flood").dump();
    raw.send(
        "POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);

    // The whole generation is due at once; the client reads nothing for a while.
    std::this_thread::sleep_for(1s);
    const json held = mock.requests("tokens=0").back();
    EXPECT_EQ(held["outcome"], "in_progress") << "the mock gave up on a client that reads late";
    EXPECT_GT(held["token_count"].get<int>(), 0);
    EXPECT_LT(held["token_count"].get<int>(), kTokens) << "emitted into memory, not held back";
    EXPECT_EQ(mock.stats()["active_streams"], 1);

    // Now it reads: every token arrives, in order, then the final chunk.
    const auto got = raw.read(30s, "\r\n0\r\n\r\n");
    ASSERT_EQ(got.end, RawConnection::End::marker) << to_string(got.end);
    std::size_t lines = 0, done = 0;
    for (std::size_t at = got.bytes.find("{\"model\""); at != std::string::npos;
         at = got.bytes.find("{\"model\"", at + 1)) {
        ++lines;
    }
    for (std::size_t at = got.bytes.find("\"done\":true"); at != std::string::npos;
         at = got.bytes.find("\"done\":true", at + 1)) {
        ++done;
    }
    EXPECT_EQ(lines, static_cast<std::size_t>(kTokens) + 1) << "token lines and the final line";
    EXPECT_EQ(done, 1u);
    const json finished = mock.requests("tokens=0").back();
    EXPECT_EQ(finished["outcome"], "completed");
    EXPECT_EQ(finished["token_count"], kTokens);
}

}  // namespace
}  // namespace mock_test
