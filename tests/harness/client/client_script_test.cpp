// ClientScript's lifetime: the script owns its McpClient, so nothing the client keeps (its
// frame and close handlers, the handlers of calls in flight) may own the script back. A
// cycle there outlives the run and shows up as a leak at exit under LeakSanitizer, so these
// tests check the release directly: once the loop is gone, so is every script.
#include "client/client_script.hpp"

#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "harness/event_loop.hpp"
#include "harness/scenario.hpp"
#include "scripted_server.hpp"

namespace harness {
namespace {

using nlohmann::json;
using test::ScriptedServer;
using test::WsStream;
using namespace std::chrono_literals;

Scenario one_ping() {
    return parse_scenario(R"({"name":"x","checks":["stream.order"],"steps":[{"op":"ping"}]})",
                          "s.json");
}

TEST(ClientScript, IsReleasedAfterACompleteRun) {
    ScriptedServer server([](WsStream& ws) {
        const auto req = json::parse(test::read_text(ws));
        ws.write(boost::asio::buffer(
            json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", json::object()}}.dump()));
        test::read_text(ws);  // the client's close; answered by Beast
    });
    const Scenario sc = one_ping();
    std::weak_ptr<ClientScript> weak;
    {
        EventLoop loop;
        ScriptContext ctx;
        ctx.scenario = &sc;
        auto script = std::make_shared<ClientScript>(loop.io(), ctx);
        weak = script;
        std::promise<void> done;
        auto done_f = done.get_future();
        script->start(server.url(), {}, [&done] { done.set_value(); });
        ASSERT_EQ(done_f.wait_for(5s), std::future_status::ready);
        loop.stop();
        ASSERT_EQ(script->records().size(), 1u);
        EXPECT_TRUE(script->records()[0].call.ok()) << script->records()[0].call.failure();
    }
    EXPECT_TRUE(weak.expired()) << "the script (and its client) outlived the run";
}

TEST(ClientScript, IsReleasedWhenTheLoopStopsMidRun) {
    // The runner stops the loop when a scenario overruns its deadline: the script is then
    // still waiting for an answer, its call still in flight in the client.
    std::promise<void> asked;
    auto asked_f = asked.get_future();
    std::promise<void> release;
    auto released = release.get_future().share();
    ScriptedServer server([&asked, released](WsStream& ws) {
        test::read_text(ws);  // the ping, never answered
        asked.set_value();
        released.wait_for(10s);
    });
    const Scenario sc = one_ping();
    std::weak_ptr<ClientScript> weak;
    {
        EventLoop loop;
        ScriptContext ctx;
        ctx.scenario = &sc;
        auto script = std::make_shared<ClientScript>(loop.io(), ctx);
        weak = script;
        script->start(server.url(), {}, [] {});
        ASSERT_EQ(asked_f.wait_for(5s), std::future_status::ready);
        loop.stop();
    }
    EXPECT_TRUE(weak.expired()) << "the script (and its client) outlived the run";
    release.set_value();
}

}  // namespace
}  // namespace harness
