// McpClient's own WebSocket (client/ws_frame.*, client/ws_handshake.*) on the wire: against
// Beast's server for pings, and against a raw TCP server for what a well-behaved server
// never sends: frames in the same packet as the 101, a masked frame, a refused upgrade.
#include "harness/mcp_client.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include "client/client_waits.hpp"
#include "harness/event_loop.hpp"
#include "harness/read_mux.hpp"
#include "scripted_server.hpp"

namespace harness {
namespace {

using namespace test;  // client_waits.hpp
using namespace std::chrono_literals;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts one connection, reads the upgrade request, writes `answer(key)` in one send, then
// keeps every byte the client sends until it closes (or 5 s pass).
class RawServer {
  public:
    explicit RawServer(std::function<std::string(const std::string& key)> answer)
        : acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this, answer = std::move(answer)] {
            tcp::socket s(io_);
            acceptor_.accept(s);
            net::streambuf in;
            boost::system::error_code ec;
            const std::size_t n = net::read_until(s, in, "\r\n\r\n", ec);
            std::string request(net::buffers_begin(in.data()), net::buffers_begin(in.data()) + n);
            in.consume(n);
            const auto at = request.find("Sec-WebSocket-Key: ");
            const std::string key =
                at == std::string::npos
                    ? ""
                    : request.substr(at + 19, request.find("\r\n", at) - at - 19);
            net::write(s, net::buffer(answer(key)), ec);
            s.non_blocking(false);
            const timeval tv{5, 0};
            ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::string rest(net::buffers_begin(in.data()), net::buffers_end(in.data()));
            char buf[4096];
            for (;;) {
                const std::size_t got = s.read_some(net::buffer(buf), ec);
                if (ec) break;
                rest.append(buf, got);
            }
            received_.set_value(rest);
        });
    }
    ~RawServer() {
        if (thread_.joinable()) thread_.join();
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/mcp";
    }
    // What the client sent after its upgrade request.
    std::future<std::string> received() { return received_.get_future(); }

  private:
    net::io_context io_;
    tcp::acceptor acceptor_;
    std::promise<std::string> received_;
    std::thread thread_;
};

std::string accept_101(const std::string& key) {
    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Protocol: mcp\r\nSec-WebSocket-Accept: " +
           std::string(accept) + "\r\n\r\n";
}

std::string text_frame(const std::string& payload) {
    return std::string("\x81") + static_cast<char>(payload.size()) + payload;
}

// The first frame the client sent, unmasked: {opcode, payload}.
std::pair<int, std::string> first_frame(const std::string& bytes) {
    if (bytes.size() < 6) return {-1, ""};
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t len = b[1] & 0x7F;  // our tests' frames are short
    std::string payload = bytes.substr(6, len);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= bytes[2 + i % 4];
    return {b[0] & 0x0F, payload};
}

TEST(McpClientWs, FramesInThePacketOfThe101AreDelivered) {
    const std::string note = R"({"jsonrpc":"2.0","method":"notifications/message","params":{}})";
    RawServer server([&](const std::string& key) { return accept_101(key) + text_frame(note); });
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<std::string> got;
    auto got_f = got.get_future();
    client->on_other([&got](const Frame& f) { got.set_value(f.method); });
    std::promise<std::string> opened;
    auto opened_f = opened.get_future();
    client->connect(server.url(), {},
                    [&opened](const ClientError& e) { opened.set_value(e.message); });
    EXPECT_EQ(get_within(opened_f), "");
    EXPECT_EQ(get_within(got_f), "notifications/message");
    client->close();
}

TEST(McpClientWs, AMaskedFrameFromTheServerIsAProtocolErrorClosedWith1002) {
    RawServer server([](const std::string& key) {
        return accept_101(key) + std::string("\x81\x82", 2) + "abcd" + "xy";
    });
    auto received = server.received();
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<ClientError> closed;
    auto closed_f = closed.get_future();
    client->on_close([&closed](const ClientError& e) { closed.set_value(e); });
    client->connect(server.url(), {}, [](const ClientError&) {});
    const ClientError e = get_within(closed_f);
    EXPECT_EQ(e.message, "the server broke the WebSocket protocol: a masked frame from the server");
    EXPECT_FALSE(e.close_code.has_value()) << "the server sent no close frame";
    const auto [op, payload] = first_frame(get_within(received));
    EXPECT_EQ(op, 0x8) << "the client's close frame";
    EXPECT_EQ(payload, std::string("\x03\xEA", 2)) << "1002";
}

TEST(McpClientWs, ARefusedUpgradeNamesTheStatus) {
    RawServer server([](const std::string&) {
        return std::string("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
    });
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect(server.url(), {}, [&p](const ClientError& e) { p.set_value(e.message); });
    const std::string error = get_within(f);
    EXPECT_NE(error.find("WebSocket handshake with 127.0.0.1:"), std::string::npos) << error;
    EXPECT_NE(error.find("the server declined the upgrade (HTTP 403)"), std::string::npos) << error;
}

TEST(McpClientWs, AWrongAcceptKeyIsRefused) {
    RawServer server([](const std::string&) { return accept_101("not the key we were sent"); });
    EventLoop loop;
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect(server.url(), {}, [&p](const ClientError& e) { p.set_value(e.message); });
    EXPECT_NE(get_within(f).find("Sec-WebSocket-Accept does not answer our key"),
              std::string::npos);
}

TEST(McpClientWs, TheServersPingIsAnsweredWithItsPayload) {
    std::promise<std::string> pong;
    auto pong_f = pong.get_future();
    ScriptedServer server([&pong](WsStream& ws) {
        test::read_text(ws);
        bool seen = false;
        ws.control_callback(
            [&](boost::beast::websocket::frame_type kind, boost::beast::string_view p) {
                if (kind == boost::beast::websocket::frame_type::pong && !seen) {
                    seen = true;
                    pong.set_value(std::string(p));
                }
            });
        ws.ping("hb-1");
        test::read_text(ws);  // the pong arrives while this read waits
    });
    EventLoop loop;
    auto client = connected(loop, server.url());
    client->send_raw("{}");
    EXPECT_EQ(get_within(pong_f), "hb-1");
    client->send_raw("{}");
    client->close();
}

// A message far larger than the read buffer's first size (4 KiB) grows the buffer, once.
// Both ways of reading: in the ReadMux of a loop of one thread, and with async_read_some on
// the strand when the loop has two.
class McpClientWsLoop : public ::testing::TestWithParam<unsigned> {};

TEST_P(McpClientWsLoop, AMessageLargerThanTheReadBufferArrivesWhole) {
    const std::string big =
        R"({"jsonrpc":"2.0","method":"notifications/message","params":{"data":")" +
        std::string(300'000, 'b') + R"("}})";
    ScriptedServer server([&big](WsStream& ws) {
        test::read_text(ws);
        ws.write(net::buffer(big));
        test::read_text(ws);
    });
    EventLoop loop(GetParam());
    auto client = connected(loop, server.url());
    std::promise<std::size_t> got;
    auto got_f = got.get_future();
    client->on_other([&got](const Frame& f) {
        got.set_value(f.message["params"]["data"].get<std::string>().size());
    });
    client->send_raw("{}");
    EXPECT_EQ(get_within(got_f), 300'000u);
    EXPECT_EQ(client->stats().bytes_in, big.size());
    client->close();
}

TEST_P(McpClientWsLoop, ManySmallFramesArriveInOrder) {
    constexpr int kFrames = 2000;
    ScriptedServer server([](WsStream& ws) {
        test::read_text(ws);
        for (int i = 0; i < kFrames; ++i) {
            ws.write(net::buffer(R"({"jsonrpc":"2.0","method":"n","params":{"i":)" +
                                 std::to_string(i) + "}}"));
        }
        test::read_text(ws);
    });
    EventLoop loop(GetParam());
    auto client = connected(loop, server.url());
    std::vector<int> seen;  // on the client's strand (or the loop's one thread) only
    std::promise<void> all;
    auto all_f = all.get_future();
    client->on_other([&seen, &all](const Frame& f) {
        seen.push_back(f.message["params"]["i"].get<int>());
        if (seen.size() == kFrames) all.set_value();
    });
    client->send_raw("{}");
    ASSERT_EQ(all_f.wait_for(5s), std::future_status::ready);
    for (int i = 0; i < kFrames; ++i) ASSERT_EQ(seen[i], i);
    client->close();
}

INSTANTIATE_TEST_SUITE_P(LoopThreads, McpClientWsLoop, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<unsigned>& p) {
                             return p.param == 1 ? std::string("ReadMux")
                                                 : std::string("AsyncReadOnTheStrand");
                         });

TEST(McpClientWs, OnALoopOfOneThreadTheClientIsInTheReadMuxUntilItEnds) {
    ScriptedServer server([](WsStream& ws) { test::read_text(ws); });
    EventLoop loop;
    auto& mux = net::use_service<ReadMux>(loop.io());
    const auto watched = [&] {
        std::promise<std::size_t> p;
        auto f = p.get_future();
        net::post(loop.io(), [&] { p.set_value(mux.watched()); });
        return get_within(f);
    };
    auto client = connected(loop, server.url());
    EXPECT_EQ(watched(), 1u);
    EXPECT_EQ(close_client(*client), "");
    EXPECT_EQ(watched(), 0u);
}

TEST(McpClientWs, CloseIsAHandshakeTheServerAnswers) {
    // Beast's server answers the client's close frame with its own; the client then ends
    // with no error (an unanswered close would end at the deadline with one).
    ScriptedServer server([](WsStream& ws) { test::read_text(ws); });
    EventLoop loop;
    ClientOptions o;
    o.connect_timeout = 5s;
    auto client = connected(loop, server.url(), o);
    std::promise<std::string> closed;
    auto closed_f = closed.get_future();
    const auto start = std::chrono::steady_clock::now();
    client->close([&closed](const ClientError& e) { closed.set_value(e.message); });
    EXPECT_EQ(get_within(closed_f), "");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 4s) << "ended by the deadline";
}

}  // namespace
}  // namespace harness
