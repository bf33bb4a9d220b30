// The mock as a process: one ready line with an ephemeral port, flags checked at start,
// OLLAMA_HOST honoured, and a clean exit on SIGTERM even with a stream left hanging.
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
