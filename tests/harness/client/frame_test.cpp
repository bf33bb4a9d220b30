#include "harness/frame.hpp"

#include <gtest/gtest.h>

namespace harness {
namespace {

TEST(Frame, LegacyTokenIsDecoded) {
    const auto f = parse_frame(
        R"({"type":"stream_token","token":" caf\u00e9, \"ok\"\n","position":12,"id":7})");
    ASSERT_EQ(f.kind, FrameKind::legacy_token) << f.error;
    EXPECT_EQ(f.text, " caf\xC3\xA9, \"ok\"\n");
    EXPECT_EQ(f.position, 12);
    EXPECT_EQ(f.route, "7");
}

TEST(Frame, LegacyTokenWithoutIdHasEmptyRoute) {
    const auto f = parse_frame(R"({"type": "stream_token", "token": "Hi", "position": 2})");
    ASSERT_EQ(f.kind, FrameKind::legacy_token);
    EXPECT_EQ(f.route, "");
    EXPECT_EQ(f.text, "Hi");
}

TEST(Frame, ProgressNotificationIsDecoded) {
    const auto f = parse_frame(
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-3","progress":4,"message":" \ud83d\ude00"}})");
    ASSERT_EQ(f.kind, FrameKind::progress_token) << f.error;
    EXPECT_EQ(f.route, "\"pt-3\"");
    EXPECT_EQ(f.progress, 4);
    EXPECT_EQ(f.text, " \xF0\x9F\x98\x80");
}

TEST(Frame, NumericProgressTokenAndOtherKeyOrder) {
    const auto f = parse_frame(
        R"({"params":{"message":"x","progress":1.5,"progressToken":42},"method":"notifications/progress","jsonrpc":"2.0"})");
    ASSERT_EQ(f.kind, FrameKind::progress_token);
    EXPECT_EQ(f.route, "42");
    EXPECT_EQ(f.progress, 1.5);
}

TEST(Frame, FastAndDomPathsAgreeOnEscapedIds) {
    // A string id with an escape is routed by its canonical (dump) form.
    const auto f =
        parse_frame(R"({"type":"stream_token","token":"a","position":1,"id":"r\u0031"})");
    ASSERT_EQ(f.kind, FrameKind::legacy_token);
    EXPECT_EQ(f.route, "\"r1\"");
}

TEST(Frame, ResponseKeepsTheMessage) {
    const auto f = parse_frame(R"({"jsonrpc":"2.0","id":9,"result":{"content":[]}})");
    ASSERT_EQ(f.kind, FrameKind::response);
    EXPECT_EQ(f.route, "9");
    EXPECT_TRUE(f.message["result"].is_object());
}

TEST(Frame, ErrorResponseWithNullId) {
    const auto f =
        parse_frame(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}})");
    ASSERT_EQ(f.kind, FrameKind::response);
    EXPECT_EQ(f.route, "null");
}

TEST(Frame, NotificationsAndServerRequests) {
    EXPECT_EQ(parse_frame(R"({"jsonrpc":"2.0","method":"notifications/message","params":{}})").kind,
              FrameKind::notification);
    // A progress notification without a token is just a notification.
    EXPECT_EQ(
        parse_frame(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{}})").kind,
        FrameKind::notification);
    const auto r = parse_frame(R"({"jsonrpc":"2.0","id":"s1","method":"ping"})");
    EXPECT_EQ(r.kind, FrameKind::server_request);
    EXPECT_EQ(r.method, "ping");
    EXPECT_EQ(r.route, "\"s1\"");
}

TEST(Frame, InvalidFramesSayWhy) {
    EXPECT_EQ(parse_frame("not json").kind, FrameKind::invalid);
    EXPECT_EQ(parse_frame("[1,2]").error, "not a JSON object");
    EXPECT_EQ(parse_frame(R"({"type":"stream_token","token":"a"} trailing)").kind,
              FrameKind::invalid);
    EXPECT_EQ(parse_frame(R"({"type":"stream_token","token":1})").error,
              "stream_token frame without a string 'token'");
    EXPECT_EQ(parse_frame("{\"type\":\"stream_token\",\"token\":\"\xff\"}").kind,
              FrameKind::invalid);  // not UTF-8
    EXPECT_EQ(parse_frame(R"({"type":"stream_token","token":"\ud800"})").kind,
              FrameKind::invalid);  // lone surrogate
    EXPECT_EQ(parse_frame(R"({"jsonrpc":"2.0"})").kind, FrameKind::invalid);
}

}  // namespace
}  // namespace harness
