// ClientScript's lifetime: the script owns its McpClient, so nothing the client keeps (its
// frame and close handlers, the handlers of calls in flight) may own the script back. A
// cycle there outlives the run and shows up as a leak at exit under LeakSanitizer, so these
// tests check the release directly: once the loop is gone, so is every script.
#include "client/client_script.hpp"

#include <gtest/gtest.h>

#include <future>

#include <boost/asio/ip/tcp.hpp>

#include <nlohmann/json.hpp>

#include "harness/connect_window.hpp"
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

// Reads the client's first message and never answers it; holds the connection open until it
// goes away.
class UnansweringServer {
  public:
    UnansweringServer()
        : server_([this](WsStream& ws) {
              test::read_text(ws);
              asked_.set_value();
              released_.wait_for(10s);
          }) {}
    ~UnansweringServer() { release_.set_value(); }
    UnansweringServer(const UnansweringServer&) = delete;
    UnansweringServer& operator=(const UnansweringServer&) = delete;

    std::string url() const { return server_.url(); }
    bool asked_within(std::chrono::seconds s) {
        return asked_f_.wait_for(s) == std::future_status::ready;
    }

  private:
    std::promise<void> asked_;
    std::future<void> asked_f_ = asked_.get_future();
    std::promise<void> release_;
    std::shared_future<void> released_ = release_.get_future().share();
    ScriptedServer server_;  // last: its thread uses the members above
};

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
    UnansweringServer server;  // the ping, never answered
    const Scenario sc = one_ping();
    std::weak_ptr<ClientScript> weak;
    {
        EventLoop loop;
        ScriptContext ctx;
        ctx.scenario = &sc;
        auto script = std::make_shared<ClientScript>(loop.io(), ctx);
        weak = script;
        script->start(server.url(), {}, [] {});
        ASSERT_TRUE(server.asked_within(5s));
        loop.stop();
    }
    EXPECT_TRUE(weak.expired()) << "the script (and its client) outlived the run";
}

// The connect window: a script holds its slot from connect until it is brought up, and gives
// it back exactly once whatever happens. releases() counts the give-backs, so a path that
// forgets (in_flight stays 1) or gives back twice (releases() 2) shows.

Scenario steps(const std::string& steps_json) {
    return parse_scenario(R"({"name":"x","checks":["stream.order"],"steps":)" + steps_json + "}",
                          "s.json");
}

json error_to(const json& req) {
    return {{"jsonrpc", "2.0"},
            {"id", req["id"]},
            {"error", {{"code", -32603}, {"message", "not today"}}}};
}

json result_to(const json& req) {
    return {{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", json::object()}};
}

// Runs `script_count` scripts of `sc` against `url` through one window of one slot, until
// every one is done; the window afterwards.
std::shared_ptr<ConnectWindow> run_through_window(const Scenario& sc, const std::string& url,
                                                  int script_count,
                                                  std::shared_ptr<ConnectWindow> window) {
    EventLoop loop;
    std::vector<std::shared_ptr<ClientScript>> scripts;
    std::vector<std::promise<void>> done(script_count);
    for (int i = 0; i < script_count; ++i) {
        ScriptContext ctx;
        ctx.scenario = &sc;
        ctx.client = i;
        ctx.window = window;
        scripts.push_back(std::make_shared<ClientScript>(loop.io(), ctx));
        scripts.back()->start(url, {}, [&done, i] { done[i].set_value(); });
    }
    for (auto& d : done) EXPECT_EQ(d.get_future().wait_for(10s), std::future_status::ready);
    loop.stop();
    return window;
}

// A port nothing listens on: bound, then closed again.
std::string refused_url() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    const auto port = a.local_endpoint().port();
    a.close();
    return "ws://127.0.0.1:" + std::to_string(port) + "/mcp";
}

TEST(ClientScript, GivesTheSlotBackWhenTheConnectIsRefused) {
    const Scenario sc = steps(R"([{"op":"initialize"},{"op":"ping"}])");
    // Two through one slot: the second runs only if the first gave its slot back.
    auto w = run_through_window(sc, refused_url(), 2, std::make_shared<ConnectWindow>(1));
    EXPECT_EQ(w->in_flight(), 0u);
    EXPECT_EQ(w->queued(), 0u);
    EXPECT_EQ(w->releases(), 2u);
}

TEST(ClientScript, HoldsTheSlotThroughAFailingInitializeThenGivesItBack) {
    auto w = std::make_shared<ConnectWindow>(1);
    std::atomic<std::size_t> during_initialize{99}, at_ping{99};
    ScriptedServer server([&](WsStream& ws) {
        const auto init = json::parse(test::read_text(ws));
        during_initialize = w->in_flight();
        ws.write(boost::asio::buffer(error_to(init).dump()));
        const auto ping = json::parse(test::read_text(ws));
        at_ping = w->in_flight();
        ws.write(boost::asio::buffer(result_to(ping).dump()));
        test::read_text(ws);  // the close
    });
    const Scenario sc = steps(R"([{"op":"initialize"},{"op":"ping"}])");
    run_through_window(sc, server.url(), 1, w);
    EXPECT_EQ(during_initialize.load(), 1u) << "the slot is held until initialize is answered";
    EXPECT_EQ(at_ping.load(), 0u) << "and given back before the next step";
    EXPECT_EQ(w->in_flight(), 0u);
    EXPECT_EQ(w->releases(), 1u);
}

TEST(ClientScript, WithoutAnInitializeStepGivesTheSlotBackOnceConnected) {
    auto w = std::make_shared<ConnectWindow>(1);
    std::atomic<std::size_t> at_ping{99};
    ScriptedServer server([&](WsStream& ws) {
        const auto ping = json::parse(test::read_text(ws));
        at_ping = w->in_flight();
        ws.write(boost::asio::buffer(result_to(ping).dump()));
        test::read_text(ws);
    });
    run_through_window(one_ping(), server.url(), 1, w);
    EXPECT_EQ(at_ping.load(), 0u);
    EXPECT_EQ(w->in_flight(), 0u);
    EXPECT_EQ(w->releases(), 1u);
}

TEST(ClientScript, GivesTheSlotBackWhenTheLoopStopsMidRun) {
    // One slot: the first script waits forever for its initialize, the second waits for the
    // slot. The loop stops; the waiting one goes first, then the one holding the slot.
    UnansweringServer server;  // initialize, never answered
    const Scenario sc = steps(R"([{"op":"initialize"},{"op":"ping"}])");
    auto w = std::make_shared<ConnectWindow>(1);
    {
        EventLoop loop;
        std::vector<std::shared_ptr<ClientScript>> scripts;
        for (std::size_t i = 0; i < 2; ++i) {
            ScriptContext ctx;
            ctx.scenario = &sc;
            ctx.client = i;
            ctx.window = w;
            scripts.push_back(std::make_shared<ClientScript>(loop.io(), ctx));
            scripts.back()->start(server.url(), {}, [] {});
        }
        ASSERT_TRUE(server.asked_within(5s));
        EXPECT_EQ(w->in_flight(), 1u);
        EXPECT_EQ(w->queued(), 1u);
        loop.stop();
        scripts.pop_back();  // the waiting one: its turn, when it comes, passes on
        scripts.pop_back();  // the one holding the slot
    }
    EXPECT_EQ(w->in_flight(), 0u);
    EXPECT_EQ(w->queued(), 0u);
    EXPECT_EQ(w->releases(), 2u);
}

}  // namespace
}  // namespace harness
