// The mock as a process: one ready line with an ephemeral port, flags checked at start,
// OLLAMA_HOST honoured, and a clean exit on SIGTERM even with streams left hanging.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/child_process.hpp"
#include "mock_fixture.hpp"
#include "raw_connection.hpp"

namespace mock_test {
namespace {

using ::testing::HasSubstr;

TEST(MockProcessLifecycle, StartsOnAnEphemeralPortAndPrintsOneReadyLine) {
    common::ChildProcess mock(
        {.argv = {MOCK_OLLAMA_BIN, "--port", "0"}, .unset_env = {"OLLAMA_HOST"}});
    const auto line = mock.wait_for_line("listening on", std::chrono::seconds(10));
    EXPECT_THAT(line, ::testing::StartsWith("mock-ollama listening on http://127.0.0.1:"));
    EXPECT_GT(common::port_from_ready_line(line), 0);
    EXPECT_EQ(mock.stop(), 0);
}

TEST(MockProcessLifecycle, TwoMocksGetTheirOwnPorts) {
    MockProcess a, b;
    EXPECT_NE(a.port(), b.port());
    EXPECT_EQ(a.client().get("/").body, "Ollama is running");
    EXPECT_EQ(b.client().get("/").body, "Ollama is running");
}

TEST(MockProcessLifecycle, HonoursOllamaHostWhenNoFlagIsGiven) {
    common::ChildProcess mock({.argv = {MOCK_OLLAMA_BIN}, .env = {{"OLLAMA_HOST", "127.0.0.1:0"}}});
    const auto line = mock.wait_for_line("listening on", std::chrono::seconds(10));
    const auto port = common::port_from_ready_line(line);
    ASSERT_GT(port, 0) << line;
    HttpClient http("http://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(http.get("/").body, "Ollama is running");
    EXPECT_EQ(mock.stop(), 0);
}

TEST(MockProcessLifecycle, SigtermExitsCleanlyWithAStalledStreamOpen) {
    MockProcess mock;
    RawConnection raw(mock.port());
    const std::string body = generate_body("hang").dump();
    raw.send(
        "POST /api/generate HTTP/1.1\r\nHost: x\r\nX-Mock-Fault: stall:after=1\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    const auto first = raw.read(std::chrono::seconds(5), "\"done\":false}\n");
    ASSERT_EQ(first.end, RawConnection::End::marker) << first.bytes;
    EXPECT_EQ(mock.stop(), 0);
    const auto after = raw.read(std::chrono::seconds(5));
    EXPECT_NE(after.end, RawConnection::End::timeout) << "connection left open after exit";
}

// Every kind of live connection at once, on several I/O threads: each session is shut down
// on its own strand, its generation ended, and nothing is left for LeakSanitizer.
TEST(MockProcessLifecycle, SigtermExitsCleanlyWithConnectionsInEveryState) {
    MockProcess mock({"--threads", "4", "--ttft", "0", "--tps", "1000000", "--tokens", "6"});
    auto request = [](std::string_view headers, const nlohmann::json& body) {
        const std::string text = body.dump();
        return "POST /api/generate HTTP/1.1\r\nHost: x\r\n" + std::string(headers) +
               "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
    };
    RawConnection idle(mock.port());
    RawConnection half_sent(mock.port());  // a request whose body never comes
    half_sent.send("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
    RawConnection stalled(mock.port());
    stalled.send(request("X-Mock-Fault: stall:after=1\r\n", generate_body("a")));
    RawConnection stalled_whole(mock.port());  // not streamed: the reply is never sent
    stalled_whole.send(
        request("X-Mock-Fault: stall:after=1\r\n", generate_body("b", {{"stream", false}})));
    // A client that reads nothing while a long fast stream fills its small receive buffer:
    // the stop comes with a write in flight.
    RawConnection not_reading(mock.port(), 4096);
    not_reading.send(request("X-Mock-Tokens: 200000\r\n", generate_body("c")));
    ASSERT_EQ(stalled.read(std::chrono::seconds(5), "\"done\":false}\n").end,
              RawConnection::End::marker);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the others get going
    EXPECT_EQ(mock.stop(), 0);
    for (auto* c : {&idle, &half_sent, &stalled, &stalled_whole}) {
        EXPECT_NE(c->read(std::chrono::seconds(5)).end, RawConnection::End::timeout)
            << "connection left open after exit";
    }
}

TEST(MockProcessLifecycle, ABadFlagStopsTheStartWithAMessage) {
    const auto log = std::filesystem::temp_directory_path() /
                     ("mock-ollama-it-badflag-" + std::to_string(::getpid()) + ".log");
    common::ChildProcess mock({.argv = {MOCK_OLLAMA_BIN, "--port", "0", "--fault", "explode"},
                               .unset_env = {"OLLAMA_HOST"},
                               .stderr_file = log});
    EXPECT_EQ(mock.wait_exit(std::chrono::seconds(10)), 2);
    EXPECT_THAT(mock.stderr_tail(), HasSubstr("--fault: unknown fault 'explode'"));
    std::error_code ignored;
    std::filesystem::remove(log, ignored);
}

}  // namespace
}  // namespace mock_test
