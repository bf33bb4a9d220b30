// The text/event-stream parser: the format's rules, split-invariance (a stream cut at every
// byte, and fed a byte at a time, gives the same events as in one piece), its bounds and
// malformed streams.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/sse_parser.hpp"

namespace {

using harness::SseEvent;
using harness::SseParser;
using ::testing::HasSubstr;

struct Got {
    std::string type, data, id;
    bool operator==(const Got&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Got& g) {
    return os << "{" << g.type << "|" << g.data << "|" << g.id << "}";
}

struct Parsed {
    std::vector<Got> events;
    bool ok = true;
    std::string error;
};

Parsed parse_pieces(const std::vector<std::string_view>& pieces, std::size_t max = 1 << 20) {
    SseParser p(max);
    Parsed out;
    for (const auto piece : pieces) {
        out.ok = p.feed(piece, [&](const SseEvent& e) {
            out.events.push_back({std::string(e.type), std::string(e.data), std::string(e.id)});
        });
        if (!out.ok) break;
    }
    if (out.ok) out.ok = p.finish();
    out.error = p.error();
    return out;
}

Parsed parse(std::string_view s, std::size_t max = 1 << 20) {
    return parse_pieces({s}, max);
}

// The stream in two pieces at every position, and a byte at a time: all as in one piece.
void expect_split_invariant(std::string_view s, std::size_t max = 1 << 20) {
    const Parsed whole = parse(s, max);
    for (std::size_t i = 0; i <= s.size(); ++i) {
        const Parsed split = parse_pieces({s.substr(0, i), s.substr(i)}, max);
        EXPECT_EQ(split.events, whole.events) << "split at " << i;
        EXPECT_EQ(split.ok, whole.ok) << "split at " << i;
        EXPECT_EQ(split.error, whole.error) << "split at " << i;
    }
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < s.size(); ++i) bytes.push_back(s.substr(i, 1));
    const Parsed one_by_one = parse_pieces(bytes, max);
    EXPECT_EQ(one_by_one.events, whole.events);
    EXPECT_EQ(one_by_one.ok, whole.ok);
}

TEST(SseParser, ProgressThenResponseAsAStreamableHttpServerSendsThem) {
    const std::string s =
        "id: 1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
        "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
    const auto r = parse(s);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[0],
              (Got{"message", R"({"jsonrpc":"2.0","method":"notifications/progress"})", "1"}));
    EXPECT_EQ(r.events[1], (Got{"message", R"({"jsonrpc":"2.0","id":1,"result":{}})", "1"}));
    expect_split_invariant(s);
}

TEST(SseParser, MultiLineDataIsJoinedWithNewlines) {
    const auto r = parse("data: a\ndata:b\ndata\ndata:  c\n\n");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].data, "a\nb\n\n c");  // one space after the colon is dropped
}

TEST(SseParser, EveryLineEndIsALineEnd) {
    for (const std::string_view s : {"data: x\r\n\r\ndata: y\r\n\r\n", "data: x\r\rdata: y\r\r",
                                     "data: x\n\ndata: y\n\n", "data: x\r\n\ndata: y\r\r\n"}) {
        const auto r = parse(s);
        ASSERT_EQ(r.events.size(), 2u) << s;
        EXPECT_EQ(r.events[0].data, "x");
        EXPECT_EQ(r.events[1].data, "y");
        expect_split_invariant(s);
    }
}

TEST(SseParser, ACrlfCutBetweenItsBytesIsOneLineEnd) {
    // Read as two line ends, the cut would be a blank line ending the event after "a".
    const std::string s = "data: a\r\ndata: b\r\n\r\n";
    const auto r = parse(s);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].data, "a\nb");
    expect_split_invariant(s);
}

TEST(SseParser, CommentsAndUnknownFieldsAreIgnored) {
    const std::string s = ": keep-alive\n:\nfoo: bar\ndata: x\n: inside\n\n";
    const auto r = parse(s);
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].data, "x");
    expect_split_invariant(s);
}

TEST(SseParser, AnEventWithoutDataIsNoEventAndForgetsItsType) {
    const auto r = parse("event: ping\nid: 7\n\ndata: x\n\n");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0], (Got{"message", "x", "7"}));  // the id persists, the type does not
}

TEST(SseParser, AnEmptyDataFieldIsAnEventWithEmptyData) {
    // The 2025-11-25 "priming" event: an id and an empty data field.
    const auto r = parse("id: p1\ndata:\n\n");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0], (Got{"message", "", "p1"}));
}

TEST(SseParser, ALeadingBomIsDroppedOnceEvenWhenSplit) {
    const std::string s =
        "\xEF\xBB\xBF"
        "data: x\n\n\xEF\xBB\xBF"
        "data: y\n\n";
    const auto r = parse(s);
    // Only at the start: later, the bytes begin a field name nobody knows.
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].data, "x");
    expect_split_invariant(s);
    const auto not_bom = parse(
        "\xEF\xBB"
        "data: x\n\n");
    EXPECT_TRUE(not_bom.events.empty());  // the field is "\xEF\xBBdata": unknown
}

TEST(SseParser, IdWithNulIsIgnoredAndRetryNeedsDigits) {
    SseParser p(1024);
    int n = 0;
    ASSERT_TRUE(p.feed(std::string("id: a\0b\nretry: 12x\nretry: -5\ndata: x\n\n", 38),
                       [&](const SseEvent& e) {
                           ++n;
                           EXPECT_EQ(e.id, "");
                       }));
    EXPECT_EQ(n, 1);
    EXPECT_FALSE(p.retry_ms().has_value());
    ASSERT_TRUE(p.feed("retry: 1500\n\n", [](const SseEvent&) {}));
    EXPECT_EQ(p.retry_ms(), 1500);
}

TEST(SseParser, AnEventLargerThanTheLimitIsAnError) {
    const std::string s =
        "data: " + std::string(60, 'a') + "\ndata: " + std::string(60, 'b') + "\n\ndata: after\n\n";
    const auto r = parse(s, 100);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.events.empty());
    EXPECT_THAT(r.error, HasSubstr("exceeded 100 bytes"));
    expect_split_invariant(s, 100);
    // At the limit exactly it passes: 99 bytes of data and the joining newline.
    const auto at = parse("data: " + std::string(99, 'a') + "\n\n", 100);
    EXPECT_TRUE(at.ok) << at.error;
}

TEST(SseParser, ALineWithoutEndLargerThanTheLimitIsAnErrorAtOnce) {
    SseParser p(64);
    // The event limit plus room for a field name: 128 bytes.
    EXPECT_TRUE(p.feed(": " + std::string(100, 'x'), [](const SseEvent&) {}));
    EXPECT_FALSE(p.feed(std::string(50, 'x'), [](const SseEvent&) {}));
    EXPECT_THAT(p.error(), HasSubstr("a line of the event stream exceeded 128 bytes"));
    EXPECT_FALSE(p.feed("data: x\n\n", [](const SseEvent&) { ADD_FAILURE(); }));
}

TEST(SseParser, AStreamEndingInsideAnEventIsAnError) {
    for (const std::string_view s : {"data: x\n", "data: x", "data: x\n\ndata: y"}) {
        const auto r = parse(s);
        EXPECT_FALSE(r.ok) << s;
        EXPECT_THAT(r.error, HasSubstr("ended inside an event")) << s;
    }
    EXPECT_TRUE(parse("data: x\n\n").ok);
    EXPECT_TRUE(parse("").ok);
}

TEST(SseParser, ManyEventsInOneChunkReuseTheBuffers) {
    std::string s;
    for (int i = 0; i < 1000; ++i) s += "data: {\"n\":" + std::to_string(i) + "}\n\n";
    const auto r = parse(s);
    ASSERT_EQ(r.events.size(), 1000u);
    EXPECT_EQ(r.events[999].data, "{\"n\":999}");
}

}  // namespace
