// McpClient against a scripted in-process WebSocket server on port 0.
#include "harness/mcp_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <thread>

#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "client/client_waits.hpp"
#include "harness/event_loop.hpp"
#include "scripted_server.hpp"

namespace harness {
namespace {

using nlohmann::json;
using namespace test;  // client_waits.hpp
using namespace std::chrono_literals;

TEST(McpClient, OffersAndRecordsTheMcpSubprotocol) {
    ScriptedServer server([](WsStream& ws) { test::read_text(ws); });
    EventLoop loop;
    auto client = connected(loop, server.url());
    EXPECT_EQ(server.offered_protocol(), "mcp");
    EXPECT_EQ(client->subprotocol(), "mcp");
    EXPECT_TRUE(client->is_open());
    client->close();
}

TEST(McpClient, ConnectsWithoutOfferingASubprotocol) {
    ScriptedServer server([](WsStream& ws) { test::read_text(ws); });
    EventLoop loop;
    ClientOptions o;
    o.offer_mcp_subprotocol = false;
    auto client = connected(loop, server.url(), o);
    EXPECT_EQ(server.offered_protocol(), "");
    EXPECT_EQ(client->subprotocol(), "");
    client->close();
}

TEST(McpClient, StreamsProgressTokensThenTheResponse) {
    ScriptedServer server([](WsStream& ws) {
        const auto req = json::parse(test::read_text(ws));
        const auto token = req["params"]["_meta"]["progressToken"];
        for (int i = 1; i <= 3; ++i) {
            ws.write(boost::asio::buffer(json{
                {"jsonrpc", "2.0"},
                {"method", "notifications/progress"},
                {"params",
                 {{"progressToken", token}, {"progress", i}, {"message", "t" + std::to_string(i)}}}}
                                             .dump()));
        }
        ws.write(boost::asio::buffer(json{
            {"jsonrpc", "2.0"},
            {"id", req["id"]},
            {"result", {{"content", {{{"type", "text"}, {"text", "t1t2t3"}}}}, {"isError", false}}}}
                                         .dump()));
        test::read_text(ws);
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    std::vector<std::string> seen;  // on the client's strand only
    auto p = std::make_shared<std::promise<CallRecord>>();
    RequestOptions ro;
    ro.progress = true;
    client->request(
        "tools/call", {{"name", "generate_summary"}},
        [&seen](const CallRecord&, const TokenArrival& t) { seen.push_back(t.text); },
        [p](CallRecord r) { p->set_value(std::move(r)); }, ro);
    auto f = p->get_future();
    const auto r = get_within(f);
    EXPECT_TRUE(r.ok()) << r.failure();
    EXPECT_EQ(r.progress_token, "\"pt-" + r.id + "\"");
    ASSERT_EQ(r.tokens.size(), 3u);
    EXPECT_EQ(r.streamed_text(), "t1t2t3");
    EXPECT_EQ(r.tokens[2].progress, 3);
    EXPECT_GT(r.sent_steady_us, 0);
    EXPECT_GE(r.first_token_steady_us, r.sent_steady_us);
    EXPECT_GE(r.response_steady_us, r.last_token_steady_us);
    EXPECT_EQ((std::vector<std::string>{"t1", "t2", "t3"}), seen);
    client->close();
}

TEST(McpClient, LegacyFramesOfTwoCallsOnOneConnection) {
    ScriptedServer server([](WsStream& ws) {
        const auto a = json::parse(test::read_text(ws));
        const auto b = json::parse(test::read_text(ws));
        const auto frame = [&](const json& id, const std::string& t, int pos) {
            ws.write(boost::asio::buffer(
                json{{"type", "stream_token"}, {"token", t}, {"position", pos}, {"id", id}}
                    .dump()));
        };
        frame(b["id"], "B", 1);
        frame(a["id"], "A", 1);
        frame(b["id"], "b", 2);
        ws.write(boost::asio::buffer(
            json{{"jsonrpc", "2.0"}, {"id", b["id"]}, {"result", json::object()}}.dump()));
        frame(a["id"], "a", 2);
        ws.write(boost::asio::buffer(
            json{{"jsonrpc", "2.0"}, {"id", a["id"]}, {"result", json::object()}}.dump()));
        test::read_text(ws);
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    auto fa = call(*client, "tools/call", {{"name", "x"}});
    auto fb = call(*client, "tools/call", {{"name", "y"}});
    const auto a = get_within(fa);
    const auto b = get_within(fb);
    EXPECT_EQ(a.streamed_text(), "Aa");
    EXPECT_EQ(b.streamed_text(), "Bb");
    EXPECT_EQ(a.tokens[1].position, 2);
    EXPECT_EQ(a.tokens[0].form, StreamForm::legacy);
    EXPECT_EQ(client->stats().tokens_in, 4u);
    client->close();
}

TEST(McpClient, ConnectionRefusedIsReported) {
    unsigned short port = 0;
    {
        ScriptedServer closed_again([](WsStream&) {}, true, 0);
        port = closed_again.port();
    }
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect("ws://127.0.0.1:" + std::to_string(port) + "/mcp", {},
                    [&p](const ClientError& e) { p.set_value(e.message); });
    const auto error = get_within(f);
    EXPECT_NE(error.find("connect 127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
    EXPECT_FALSE(client->is_open());
    // A call on a client that is not open ends at once.
    auto r = call(*client, "ping", json::object());
    EXPECT_EQ(get_within(r).error, "not connected");
}

// A listening socket on 127.0.0.1:0 that never accepts; `backlog` 0 with one connection
// already queued leaves no room, so Linux drops every further SYN and a connect hangs.
struct FullListener {
    int fd = -1, queued = -1;
    unsigned short port = 0;
    FullListener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 0) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ADD_FAILURE() << "listener: " << std::strerror(errno);
        }
        port = ntohs(a.sin_port);
        queued = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(queued, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ADD_FAILURE() << "the first connect: " << std::strerror(errno);
        }
    }
    ~FullListener() {
        ::close(queued);
        ::close(fd);
    }
};

std::string connect_error(EventLoop& loop, const std::string& url, ClientOptions o) {
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect(url, o, [&p](const ClientError& e) { p.set_value(e.message); });
    return get_within(f);
}

TEST(McpClient, ATcpConnectThatNeverCompletesEndsAtTheConnectTimeout) {
    FullListener listener;
    EventLoop loop;
    ClientOptions o;
    o.connect_timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    const auto error =
        connect_error(loop, "ws://127.0.0.1:" + std::to_string(listener.port) + "/mcp", o);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_NE(error.find("connect 127.0.0.1:" + std::to_string(listener.port) + ": "),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("closed due to a timeout"), std::string::npos) << error;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s) << "a SYN retry (1 s, then 3 s) must not be what ended it";
}

TEST(McpClient, AHandshakeThatIsNeverAnsweredEndsAtTheConnectTimeout) {
    // Accepts and reads the upgrade request, then says nothing.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    std::thread server([&] {
        boost::asio::ip::tcp::socket s(io);
        acceptor.accept(s);
        char buf[4096];
        boost::system::error_code ec;
        s.read_some(boost::asio::buffer(buf), ec);  // the upgrade request, never answered
        std::this_thread::sleep_for(1500ms);
    });
    EventLoop loop;
    ClientOptions o;
    o.connect_timeout = 300ms;
    const auto error = connect_error(
        loop, "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/mcp", o);
    server.join();
    EXPECT_NE(error.find("WebSocket handshake with 127.0.0.1:"), std::string::npos) << error;
    EXPECT_NE(error.find("closed due to a timeout"), std::string::npos) << error;
}

TEST(McpClient, BadUrlIsReported) {
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect("http://127.0.0.1:1/mcp", {},
                    [&p](const ClientError& e) { p.set_value(e.message); });
    EXPECT_EQ(get_within(f), "connect: not a ws://host:port/path URL: http://127.0.0.1:1/mcp");
}

TEST(McpClient, RequestTimeoutEndsTheCallAndCancelsIt) {
    std::promise<std::string> cancelled;
    auto cancelled_f = cancelled.get_future();
    ScriptedServer server([&cancelled](WsStream& ws) {
        test::read_text(ws);                       // the request, never answered
        cancelled.set_value(test::read_text(ws));  // what the client sends next
        test::read_text(ws);
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    RequestOptions ro;
    ro.timeout = 100ms;
    auto f = call(*client, "tools/call", {{"name", "slow"}}, ro);
    const auto r = get_within(f);
    EXPECT_EQ(r.error, "no response within 100 ms");
    EXPECT_FALSE(r.ok());
    const auto note = json::parse(get_within(cancelled_f));
    EXPECT_EQ(note["method"], "notifications/cancelled");
    EXPECT_EQ(note["params"]["requestId"], std::stoi(r.id));
    client->close();
}

TEST(McpClient, OversizedMessageClosesTheConnection) {
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        ws.write(boost::asio::buffer(std::string(4096, 'x')));
        test::read_text(ws);
    });
    EventLoop loop;
    ClientOptions o;
    o.max_message_bytes = 1024;
    auto client = connected(loop, server.url(), o);
    std::promise<std::string> closed;
    auto closed_f = closed.get_future();
    client->on_close([&closed](const ClientError& e) { closed.set_value(e.message); });
    auto f = call(*client, "ping", json::object());
    const auto r = get_within(f);
    EXPECT_NE(r.error.find("exceeded 1024 bytes"), std::string::npos) << r.error;
    EXPECT_NE(get_within(closed_f).find("exceeded 1024 bytes"), std::string::npos);
}

TEST(McpClient, ServerCloseEndsCallsInFlightWithItsReason) {
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        ws.close({boost::beast::websocket::close_code::going_away, "server shutting down"});
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    auto f = call(*client, "tools/call", {{"name", "x"}});
    EXPECT_EQ(get_within(f).error,
              "connection lost: closed by the server (1001 server shutting down)");
}

// The server's script ends the connection once it has read one message; what on_close got.
ClientError closed_after_one_message(ScriptedServer& server) {
    EventLoop loop;
    auto client = connected(loop, server.url());
    std::promise<ClientError> closed;
    auto closed_f = closed.get_future();
    client->on_close([&closed](const ClientError& e) { closed.set_value(e); });
    client->send_raw("{}");
    return get_within(closed_f);
}

// The close code and reason reach on_close as data, whatever the reason's text holds
// (parentheses, digits), not as a message to be parsed back.
TEST(McpClient, ServerCloseCodeAndReasonAreData) {
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        ws.close({boost::beast::websocket::close_code::too_big, "too big (limit 10)"});
    });
    const ClientError e = closed_after_one_message(server);
    ASSERT_TRUE(e.close_code.has_value());
    EXPECT_EQ(*e.close_code, 1009);
    EXPECT_EQ(e.close_reason, "too big (limit 10)");
    EXPECT_EQ(e.message, "closed by the server (1009 too big (limit 10))");
}

// A connection that ends without a close frame carries no close code.
TEST(McpClient, LostConnectionHasNoCloseCode) {
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        boost::beast::error_code ignored;
        ws.next_layer().close(ignored);
    });
    const ClientError e = closed_after_one_message(server);
    EXPECT_TRUE(static_cast<bool>(e));
    EXPECT_FALSE(e.close_code.has_value());
    EXPECT_EQ(e.close_reason, "");
}

TEST(McpClient, SilentServerTimesOut) {
    // The server never reads again, so it never answers the client's ping; it holds the
    // connection open until the test is over, so only the client's own timeout can end the
    // call (no bound on how long that took: this machine may be loaded, the message says
    // which timeout fired).
    std::promise<void> release;
    auto released = release.get_future().share();
    ScriptedServer server([released](WsStream& ws) {
        test::read_text(ws);
        released.wait_for(10s);
    });
    EventLoop loop;
    ClientOptions o;
    o.idle_timeout = 300ms;
    // Silence counts from the last thing heard, the handshake's reply: so from before it.
    const auto start = std::chrono::steady_clock::now();
    auto client = connected(loop, server.url(), o);
    auto f = call(*client, "tools/call", {{"name", "x"}});
    const auto r = get_within(f);
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_NE(r.error.find("nothing heard from the server for"), std::string::npos) << r.error;
    EXPECT_GE(waited, 300ms);
    release.set_value();
}

TEST(McpClient, ARequestThatCannotBeEncodedEndsWithAnError) {
    ScriptedServer server([](WsStream& ws) { test::read_text(ws); });
    EventLoop loop;
    auto client = connected(loop, server.url());
    auto f = call(*client, "tools/call", {{"name", std::string("\xff")}});
    const auto r = get_within(f);
    EXPECT_EQ(r.error.rfind("cannot encode the request: ", 0), 0u) << r.error;
    client->close();
}

TEST(McpClient, SendRawAndNotifyGoOutAsTextFrames) {
    std::promise<std::vector<std::string>> got;
    auto got_f = got.get_future();
    ScriptedServer server([&got](WsStream& ws) {
        std::vector<std::string> frames;
        frames.push_back(test::read_text(ws));
        frames.push_back(test::read_text(ws));
        got.set_value(frames);
        test::read_text(ws);
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    client->send_raw("{not json");
    client->notify("notifications/initialized");
    const auto frames = get_within(got_f);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0], "{not json");
    EXPECT_EQ(frames[1], R"({"jsonrpc":"2.0","method":"notifications/initialized","params":{}})");
    std::promise<std::string> closed;
    auto closed_f = closed.get_future();
    client->close([&closed](const ClientError& e) { closed.set_value(e.message); });
    EXPECT_EQ(get_within(closed_f), "");
    EXPECT_FALSE(client->is_open());
}

// Stats::invalid counts the invalid frames the server sent. A send that failed reaches on_other
// as an invalid frame too, but it was never received: it is not counted.
TEST(McpClient, AFailedSendReachesOnOtherButIsNotCountedInvalid) {
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        ws.write(boost::asio::buffer(std::string("not json")));
        test::read_text(ws);
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    std::promise<std::string> received, failed;
    auto received_f = received.get_future();
    auto failed_f = failed.get_future();
    int seen = 0;  // on the client's strand only
    client->on_other([&](const Frame& f) {
        if (f.kind != FrameKind::invalid) return;
        (seen++ == 0 ? received : failed).set_value(f.error);
    });
    client->send_raw("{}");
    EXPECT_NE(get_within(received_f), "");
    std::promise<std::string> closed;
    auto closed_f = closed.get_future();
    client->close([&closed](const ClientError& e) { closed.set_value(e.message); });
    EXPECT_EQ(get_within(closed_f), "");
    client->send_raw("{}");
    EXPECT_EQ(get_within(failed_f), "send: not connected");
    EXPECT_EQ(client->stats().invalid, 1u);
}

TEST(McpClient, IsReleasedWhenItsLoopStopsWithCallsInFlight) {
    // A run that overruns its deadline stops the loop with calls unanswered: what the client
    // keeps for them (a deadline's handler, initialize's follow-up) must not keep it alive.
    std::promise<void> asked;
    auto asked_f = asked.get_future();
    std::promise<void> release;
    auto released = release.get_future().share();
    ScriptedServer server([&asked, released](WsStream& ws) {
        test::read_text(ws);  // initialize, never answered
        test::read_text(ws);  // the call with a deadline, never answered
        asked.set_value();
        released.wait_for(10s);
    });
    std::weak_ptr<McpClient> weak;
    {
        EventLoop loop;
        auto client = connected(loop, server.url());
        weak = client;
        client->initialize("2025-06-18", {{"name", "t"}}, [](CallRecord) {});
        RequestOptions ro;
        ro.timeout = 60s;
        call(*client, "tools/call", {{"name", "slow"}}, ro);
        ASSERT_EQ(asked_f.wait_for(5s), std::future_status::ready);
        loop.stop();
    }
    EXPECT_TRUE(weak.expired()) << "the client outlived its event loop";
    release.set_value();
}

}  // namespace
}  // namespace harness
