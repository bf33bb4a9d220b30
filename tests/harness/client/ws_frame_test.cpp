// The client's RFC 6455 framing: what a server may send, what it must not, and the frames
// the client writes.
#include "client/ws_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace harness::ws {
namespace {

// A server frame (unmasked) with FIN `fin`, opcode `op` and the payload.
std::string frame(std::uint8_t op, std::string_view payload, bool fin = true) {
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0) | op));
    const std::size_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(n));
    } else if (n <= 0xFFFF) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xFF));
    } else {
        out.push_back(static_cast<char>(127));
        for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((n >> s) & 0xFF));
    }
    out.append(payload);
    return out;
}

// Every event until the reader wants more, as text: "message:text:PAYLOAD", "ping:P",
// "close:CODE:REASON", "error:CODE:WHY".
std::vector<std::string> events(FrameReader& r, std::string_view data, std::size_t* used) {
    std::vector<std::string> out;
    while (auto e = r.next(data, used)) {
        switch (e->kind) {
            case Event::Kind::message:
                out.push_back(std::string("message:") + (e->text ? "text:" : "binary:") +
                              std::string(e->payload));
                break;
            case Event::Kind::ping:
                out.push_back("ping:" + std::string(e->payload));
                break;
            case Event::Kind::pong:
                out.push_back("pong:" + std::string(e->payload));
                break;
            case Event::Kind::close:
                out.push_back("close:" + std::to_string(e->close_code) + ":" +
                              std::string(e->close_reason));
                break;
            case Event::Kind::error:
                out.push_back("error:" + std::to_string(e->error_close_code) + ":" + e->error);
                return out;
        }
    }
    return out;
}

std::vector<std::string> events(std::string_view data, std::size_t max = 1 << 20) {
    FrameReader r(max);
    std::size_t used = 0;
    return events(r, data, &used);
}

using Events = std::vector<std::string>;
using namespace std::string_literals;  // "\x00" in a frame

TEST(WsFrame, ATextFrameIsHandedOverInPlace) {
    const std::string data = frame(0x1, R"({"a":1})");
    FrameReader r(1024);
    std::size_t used = 0;
    const auto e = r.next(data, &used);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, Event::Kind::message);
    EXPECT_TRUE(e->text);
    EXPECT_EQ(e->payload, R"({"a":1})");
    EXPECT_EQ(e->payload.data(), data.data() + 2) << "copied, not handed over in place";
    EXPECT_EQ(used, data.size());
    EXPECT_FALSE(r.next(data, &used));
}

TEST(WsFrame, SeveralFramesInOneReadAreSeveralEvents) {
    const std::string data = frame(0x1, "one") + frame(0x9, "p") + frame(0x2, "\xff") +
                             frame(0xA, "") + frame(0x1, "two");
    EXPECT_EQ(events(data), (Events{"message:text:one", "ping:p", "message:binary:\xff",
                                    "pong:", "message:text:two"}));
}

TEST(WsFrame, AnIncompleteFrameWaitsForMoreAndConsumesNothing) {
    const std::string whole = frame(0x1, std::string(300, 'x'));
    for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        FrameReader r(1024);
        std::size_t used = 0;
        EXPECT_FALSE(r.next(std::string_view(whole).substr(0, cut), &used)) << cut;
        EXPECT_EQ(used, 0u) << cut;
        const auto e = r.next(whole, &used);
        ASSERT_TRUE(e) << cut;
        EXPECT_EQ(e->payload.size(), 300u);
    }
}

TEST(WsFrame, SixteenAndSixtyFourBitLengths) {
    const std::string mid(65535, 'm'), big(65536, 'b');
    EXPECT_EQ(events(frame(0x1, mid)), Events{"message:text:" + mid});
    EXPECT_EQ(events(frame(0x1, big)), Events{"message:text:" + big});
}

TEST(WsFrame, AFragmentedMessageIsPutTogetherAroundAControlFrame) {
    const std::string data = frame(0x1, "{\"to", false) + frame(0x9, "hb") +
                             frame(0x0, "ken\":", false) + frame(0x0, "1}") + frame(0x1, "next");
    EXPECT_EQ(events(data), (Events{"ping:hb", "message:text:{\"token\":1}", "message:text:next"}));
}

TEST(WsFrame, AFragmentedMessageMaySplitAUtf8Sequence) {
    // "é" is C3 A9: only the whole message has to be UTF-8.
    const std::string data = frame(0x1, "\xC3", false) + frame(0x0, "\xA9");
    EXPECT_EQ(events(data), Events{"message:text:\xC3\xA9"});
}

TEST(WsFrame, CloseCodeAndReason) {
    EXPECT_EQ(events(frame(0x8, close_payload(1001, "going away"))),
              Events{"close:1001:going away"});
    EXPECT_EQ(events(frame(0x8, "")), Events{"close:0:"}) << "a close without a code";
    EXPECT_EQ(events(frame(0x8, close_payload(4000, ""))), Events{"close:4000:"});
}

// What a server must not send, each failing the connection with the code RFC 6455 names.
TEST(WsFrame, ProtocolViolationsAreErrorsWithTheirCloseCode) {
    struct Case {
        std::string data;
        std::string expected;
    };
    std::string masked = frame(0x1, "abcd");
    masked[1] = static_cast<char>(masked[1] | 0x80);
    std::string short16 = "\x81\x7e";
    short16 += std::string("\x00\x05", 2) + "hello";
    std::string short64 = "\x81\x7f";
    short64 += std::string("\x00\x00\x00\x00\x00\x00\x01\x00", 8);
    std::string edge64 = "\x81\x7f";  // 65535 fits in 16 bits
    edge64 += std::string("\x00\x00\x00\x00\x00\x00\xff\xff", 8) + std::string(65535, 'e');
    std::string top64 = "\x81\x7f";
    top64 += std::string("\x80\x00\x00\x00\x00\x00\x00\x00", 8);
    const std::vector<Case> cases = {
        {"\xC1\x00"s, "error:1002:a frame with reserved bits set (no extension agreed)"},
        {"\x83\x00"s, "error:1002:a frame with the unknown opcode 3"},
        {"\x8B\x00"s, "error:1002:a frame with the unknown opcode 11"},
        {masked, "error:1002:a masked frame from the server"},
        {short16, "error:1002:a frame length not in its shortest form"},
        {short64, "error:1002:a frame length not in its shortest form"},
        {edge64, "error:1002:a frame length not in its shortest form"},
        {top64, "error:1002:a frame length with its top bit set"},
        {frame(0x9, "x", false), "error:1002:a fragmented control frame"},
        {frame(0x9, std::string(126, 'p')), "error:1002:a control frame longer than 125 bytes"},
        {frame(0x0, "x"), "error:1002:a continuation frame outside a message"},
        {frame(0x1, "a", false) + frame(0x1, "b"),
         "error:1002:a new message inside a fragmented one"},
        {frame(0x1, "\xC3\x28"), "error:1007:a text message that is not UTF-8"},
        {frame(0x8, "\x03"), "error:1002:a close frame with a one-byte payload"},
        {frame(0x8, close_payload(1005, "")),
         "error:1002:a close frame with the invalid code 1005"},
        {frame(0x8, close_payload(999, "")), "error:1002:a close frame with the invalid code 999"},
        {frame(0x8, close_payload(2000, "")),
         "error:1002:a close frame with the invalid code 2000"},
        {frame(0x8, close_payload(1000, "\xFF")), "error:1007:a close reason that is not UTF-8"},
    };
    for (const auto& c : cases) {
        const auto got = events(c.data);
        ASSERT_FALSE(got.empty()) << c.expected;
        EXPECT_EQ(got.back(), c.expected);
    }
}

TEST(WsFrame, ABinaryMessageNeedNotBeUtf8) {
    EXPECT_EQ(events(frame(0x2, "\xC3\x28")), Events{"message:binary:\xC3\x28"});
}

TEST(WsFrame, ATooLongMessageFailsOnItsHeaderBeforeItsPayload) {
    // Only the header of a 2^40-byte frame: no payload is waited for.
    std::string header = "\x81\x7f";
    header += std::string("\x00\x00\x01\x00\x00\x00\x00\x00", 8);
    EXPECT_EQ(events(header, 1024),
              Events{"error:1009:a message from the server exceeded 1024 bytes"});
    // The limit counts the whole message, fragments together.
    const std::string pieces =
        frame(0x1, std::string(600, 'a'), false) + frame(0x0, std::string(600, 'b'));
    EXPECT_EQ(events(pieces, 1024),
              Events{"error:1009:a message from the server exceeded 1024 bytes"});
    EXPECT_EQ(events(frame(0x1, std::string(1024, 'c')), 1024).size(), 1u) << "at the limit";
}

TEST(WsFrame, AfterAnErrorEveryCallGivesTheSameError) {
    FrameReader r(1024);
    std::size_t used = 0;
    const std::string bad = "\x83\x00"s;
    ASSERT_EQ(r.next(bad, &used)->kind, Event::Kind::error);
    const std::string good = frame(0x1, "ok");
    used = 0;
    const auto again = r.next(good, &used);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->kind, Event::Kind::error);
    EXPECT_EQ(used, 0u);
}

TEST(WsFrame, AMillionEmptyFragmentsDoNotExhaustTheStack) {
    std::string data = frame(0x1, "", false);
    for (int i = 0; i < 1'000'000; ++i) data += frame(0x0, "", false);
    data += frame(0x0, "end");
    EXPECT_EQ(events(data), Events{"message:text:end"});
}

TEST(WsFrame, EveryWayOfSplittingAStreamGivesTheSameEvents) {
    const std::string data = frame(0x1, "a", false) + frame(0xA, "q") + frame(0x0, "b") +
                             frame(0x1, std::string(200, 'c')) +
                             frame(0x8, close_payload(1000, "bye"));
    const Events whole = events(data);
    ASSERT_EQ(whole.size(), 4u);
    for (std::size_t step = 1; step <= data.size(); ++step) {
        // As McpClient reads: append what arrived, take the events, drop what was used.
        FrameReader r(1 << 20);
        std::string buffer;
        Events got;
        for (std::size_t at = 0; at < data.size(); at += step) {
            buffer += data.substr(at, step);
            std::size_t used = 0;
            for (auto& e : events(r, buffer, &used)) got.push_back(std::move(e));
            buffer.erase(0, used);
        }
        EXPECT_EQ(got, whole) << "read " << step << " bytes at a time";
    }
}

// The client's own frames: FIN, masked, the shortest length, the payload XORed with the key.
TEST(WsFrame, WrittenFramesAreMaskedWithTheShortestLength) {
    for (const std::size_t n : {0u, 1u, 125u, 126u, 65535u, 65536u}) {
        const std::string payload(n, 'z');
        std::string out;
        append_frame(out, Opcode::text, payload, 0x01020304);
        const auto* b = reinterpret_cast<const unsigned char*>(out.data());
        EXPECT_EQ(b[0], 0x81) << n;
        EXPECT_EQ(b[1] & 0x80, 0x80) << "mask bit, " << n;
        const std::size_t len7 = b[1] & 0x7F;
        const std::size_t header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        EXPECT_EQ(len7, n < 126 ? n : n <= 0xFFFF ? 126u : 127u);
        ASSERT_EQ(out.size(), header + 4 + n);
        const unsigned char key[4] = {1, 2, 3, 4};
        EXPECT_EQ(std::string(out.data() + header, 4), std::string("\x01\x02\x03\x04", 4));
        std::string unmasked = out.substr(header + 4);
        for (std::size_t i = 0; i < unmasked.size(); ++i)
            unmasked[i] ^= static_cast<char>(key[i % 4]);
        EXPECT_EQ(unmasked, payload) << n;
    }
}

TEST(WsFrame, AClosePayloadIsTheCodeThenTheReasonCutTo123Bytes) {
    EXPECT_EQ(close_payload(1000, "ok"), std::string("\x03\xE8ok", 4));
    EXPECT_EQ(close_payload(1002, std::string(200, 'r')).size(), 125u);
}

}  // namespace
}  // namespace harness::ws
