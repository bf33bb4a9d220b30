// McpClient over stdio against real child processes (/bin/sh scripts speaking newline-
// delimited JSON-RPC): a call with progress, close() waiting for the exit, an early exit
// reported with its status and stderr, a server that ignores SIGTERM killed in bounded time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "client/client_waits.hpp"
#include "harness/event_loop.hpp"
#include "harness/mcp_client.hpp"

namespace harness {
namespace {

using nlohmann::json;
using namespace test;  // client_waits.hpp
using ::testing::HasSubstr;
using namespace std::chrono_literals;

ClientOptions stdio_options(const std::string& script) {
    ClientOptions o;
    o.transport = Transport::stdio;
    o.server_command = {"/bin/sh", "-c", script};
    o.connect_timeout = 300ms;
    return o;
}

// Answers initialize (id 1), takes notifications/initialized, answers the call (id 2) with
// two progress tokens (the second line ending in CRLF) and waits for stdin to close.
constexpr const char* kServer = R"(
read -r line
printf '%s\n' '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}'
read -r line
case "$line" in *notifications/initialized*) ;; *) echo "expected initialized: $line" >&2; exit 2;; esac
read -r line
printf '%s\n' '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-2","progress":1,"message":"a"}}'
printf '%s\r\n' '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-2","progress":2,"message":"b"}}'
printf '%s\n' '{"jsonrpc":"2.0","id":2,"result":{"content":[]}}'
cat >/dev/null
)";

TEST(StdioTransport, CallWithProgressThenCloseWaitsForTheExit) {
    EventLoop loop(1);
    auto client = connected(loop, "stdio", stdio_options(kServer));
    auto p = std::make_shared<std::promise<CallRecord>>();
    auto init = p->get_future();
    client->initialize("", {{"name", "t"}}, [p](CallRecord r) { p->set_value(std::move(r)); });
    const auto i = get_within(init);
    ASSERT_TRUE(i.ok()) << i.error;
    auto f = call(*client, "tools/call", {{"name", "echo"}}, {.progress = true});
    const auto r = get_within(f);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.tokens.size(), 2u);
    EXPECT_EQ(r.tokens[0].text, "a");
    EXPECT_EQ(r.tokens[1].text, "b");
    EXPECT_EQ(close_client(*client), "");
    EXPECT_FALSE(client->is_open());
}

TEST(StdioTransport, AnEarlyExitIsAnErrorWithItsStatusAndStderr) {
    EventLoop loop(1);
    auto o = stdio_options("read -r line; echo 'starting'; echo 'fatal: no config' >&2; exit 3");
    auto client = McpClient::create(loop.io());
    std::promise<std::string> lost;
    auto lost_f = lost.get_future();
    client->on_close([&lost](const ClientError& e) { lost.set_value(e.message); });
    std::promise<std::string> p;
    auto cf = p.get_future();
    client->connect("stdio", o, [&p](const ClientError& e) { p.set_value(e.message); });
    ASSERT_EQ(get_within(cf), "");
    auto f = call(*client, "tools/call", {{"name", "echo"}});
    const auto error = get_within(lost_f);
    EXPECT_THAT(error, HasSubstr("exit status 3"));
    EXPECT_THAT(error, HasSubstr("fatal: no config"));
    EXPECT_THAT(get_within(f).error, HasSubstr("exit status 3"));
}

TEST(StdioTransport, AServerIgnoringTermIsKilledWithinBounds) {
    EventLoop loop(1);
    auto client = connected(loop, "stdio", stdio_options("trap '' TERM; cat >/dev/null; sleep 30"));
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THAT(close_client(*client), HasSubstr("signal 9"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(StdioTransport, AProgramThatCannotStartFailsConnect) {
    EventLoop loop(1);
    auto client = McpClient::create(loop.io());
    ClientOptions o;
    o.transport = Transport::stdio;
    o.server_command = {"/nonexistent/mcp-server"};
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect("stdio", o, [&p](const ClientError& e) { p.set_value(e.message); });
    EXPECT_THAT(get_within(f), HasSubstr("cannot start /nonexistent/mcp-server"));
}

}  // namespace
}  // namespace harness
