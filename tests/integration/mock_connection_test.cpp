// HTTP/1.1 connection handling as real clients exercise it: keep-alive reuse, HEAD,
// pipelined requests behind a stream, `Connection: close`, and a client that leaves
// mid-stream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "raw_connection.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string post_request(std::string_view path, const json& body,
                         std::string_view extra_headers = "") {
    const std::string b = body.dump();
    return "POST " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra_headers) +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(b.size()) +
           "\r\n\r\n" + b;
}

class Connections : public ::testing::Test {
  protected:
    MockProcess mock_;
};

TEST_F(Connections, ConsecutiveRequestsReuseOneKeepAliveConnection) {
    auto http = mock_.client();
    const auto first = http.get("/api/version");
    const auto second = http.post("/api/generate", generate_body("reuse"));
    const auto third = http.post("/api/chat", chat_body("reuse", {{"stream", false}}));
    const auto fourth = http.get("/api/tags");
    ASSERT_TRUE(first.ok() && second.ok() && third.ok() && fourth.ok());
    EXPECT_EQ(first.connects, 1);
    EXPECT_EQ(second.connects, 0) << "a new connection was opened";
    EXPECT_EQ(third.connects, 0) << "a new connection was opened";
    EXPECT_EQ(fourth.connects, 0) << "a new connection was opened";
    EXPECT_EQ(parse_records(second.lines()).back()["done"], true);
}

TEST_F(Connections, HeadAnswersWithoutABodyAndKeepsTheConnectionUsable) {
    // The Ollama CLI's heartbeat is `HEAD /`; a body after a HEAD reply would be read as the
    // start of the next response on the same connection.
    RawConnection raw(mock_.port());
    raw.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /api/version HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto got = raw.read(std::chrono::seconds(5), "}");
    ASSERT_EQ(got.end, RawConnection::End::marker) << to_string(got.end) << ": " << got.bytes;
    const auto second = got.bytes.find("HTTP/1.1", 1);
    ASSERT_NE(second, std::string::npos) << got.bytes;
    const std::string head_reply = got.bytes.substr(0, second);
    EXPECT_THAT(head_reply, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(head_reply, HasSubstr("Content-Length: 17\r\n")) << "GET's length is kept";
    EXPECT_TRUE(head_reply.ends_with("\r\n\r\n")) << "HEAD reply carries a body: " << head_reply;
    EXPECT_THAT(got.bytes.substr(second), HasSubstr("{\"version\":"));

    auto http = mock_.client();
    const auto head = http.perform({.method = "HEAD", .path = "/api/tags"});
    EXPECT_TRUE(head.ok()) << head.describe();
    EXPECT_EQ(head.status, 200);
    const auto next = http.get("/api/version");
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.connects, 0);
}

TEST_F(Connections, ExpectContinueIsAnsweredBeforeTheBodyIsSent) {
    // curl sends "Expect: 100-continue" for large bodies and waits for the interim answer
    // (for a second) before sending the body; Ollama's Go server answers it at once.
    const std::string body = generate_body("expect", {{"stream", false}}).dump();
    RawConnection raw(mock_.port());
    raw.send(
        "POST /api/generate HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n");
    const auto interim = raw.read(std::chrono::seconds(5), "\r\n\r\n");
    ASSERT_EQ(interim.end, RawConnection::End::marker) << to_string(interim.end);
    EXPECT_EQ(interim.bytes, "HTTP/1.1 100 Continue\r\n\r\n");
    raw.send(body);
    const auto reply = raw.read(std::chrono::seconds(10), "\"done\":true");
    ASSERT_EQ(reply.end, RawConnection::End::marker) << to_string(reply.end) << reply.bytes;
    EXPECT_THAT(reply.bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(Connections, PipelinedRequestsBehindAStreamAreAnsweredInOrder) {
    RawConnection raw(mock_.port());
    raw.send(post_request("/api/generate", generate_body("first")) +
             post_request("/api/generate", generate_body("second", {{"stream", false}})) +
             "GET /api/version HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto got = raw.read(std::chrono::seconds(5), "{\"version\":");
    ASSERT_EQ(got.end, RawConnection::End::marker) << to_string(got.end) << ": " << got.bytes;
    const auto log = mock_.requests();
    ASSERT_EQ(log.size(), 2u);
    const auto first_end = got.bytes.find("0\r\n\r\n");
    const auto second_text = log[1]["text"].get<std::string>();
    ASSERT_NE(first_end, std::string::npos) << got.bytes;
    // The stream is complete before the second reply begins.
    const std::string first = got.bytes.substr(0, first_end);
    EXPECT_THAT(first, HasSubstr("\"done\":true"));
    for (const auto& t : token_texts(log[0])) {
        EXPECT_THAT(first, HasSubstr("\"response\":" + json(t).dump())) << t;
    }
    const std::string rest = got.bytes.substr(first_end + 5);
    EXPECT_THAT(rest, StartsWith("HTTP/1.1 200 OK\r\nContent-Type: application/json"));
    EXPECT_THAT(rest, HasSubstr("\"response\":" + json(second_text).dump()));
    EXPECT_LT(rest.find(second_text), rest.find("HTTP/1.1 200", 1)) << "out of order: " << rest;
}

TEST_F(Connections, ConnectionCloseIsHonouredAfterAStream) {
    RawConnection raw(mock_.port());
    raw.send(post_request("/api/generate", generate_body("bye"), "Connection: close\r\n"));
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_EQ(got.end, RawConnection::End::eof) << to_string(got.end) << ": " << got.bytes;
    EXPECT_THAT(got.bytes, HasSubstr("\r\nConnection: close\r\n"));
    EXPECT_THAT(got.bytes, HasSubstr("\"done\":true"));
    EXPECT_TRUE(got.bytes.ends_with("\r\n0\r\n\r\n"))
        << "closed before the last chunk: " << got.bytes;
}

TEST_F(Connections, AClientLeavingMidStreamIsNoticedAndCounted) {
    {
        RawConnection raw(mock_.port());
        raw.send(post_request("/api/generate", generate_body("leaving"),
                              "X-Mock-Fault: stall:after=1\r\n"));
        const auto got = raw.read(std::chrono::seconds(5), "\"done\":false}\n");
        ASSERT_EQ(got.end, RawConnection::End::marker) << got.bytes;
    }  // closes the socket while the stream is stalled
    EXPECT_TRUE(eventually(
        [&] {
            const auto s = mock_.stats();
            return s["active_streams"] == 0 && s["clients_gone"] == 1;
        },
        std::chrono::seconds(3)))
        << mock_.stats();
    const auto e = mock_.last_request();
    EXPECT_EQ(e["outcome"], "client_closed");
    EXPECT_EQ(e["status"], 0);
    EXPECT_EQ(e["token_count"], 1);
}

}  // namespace
}  // namespace mock_test
