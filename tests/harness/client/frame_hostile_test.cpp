// Hostile server frames: whatever a server sends, parse_frame answers (an invalid frame with
// a reason at worst) without a crash, undefined behaviour or a DOM too deep to print.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/frame.hpp"
#include "isolated.hpp"

namespace {

using harness::FrameKind;
using harness::parse_frame;
using ::testing::HasSubstr;

TEST(FrameHostile, PositionOutsideInt64IsInvalid) {
    // Converting 1e300 to int64 is undefined behaviour; a 64-bit unsigned would wrap.
    for (const char* position : {"1e300", "-1e300", "9.3e18", "18446744073709551615"}) {
        const auto f = parse_frame(
            std::string(R"({"type":"stream_token","token":"a","position":)") + position + "}");
        EXPECT_EQ(f.kind, FrameKind::invalid) << position;
        EXPECT_THAT(f.error, HasSubstr("'position' is out of range")) << position;
    }
}

TEST(FrameHostile, DeeplyNestedIdIsInvalidNotAStackOverflow) {
    // Route keys are the id's dump(), which recurses.
    const auto r = harness_test::run_isolated([] {
        const std::string id = std::string(200'000, '[') + std::string(200'000, ']');
        const auto f = parse_frame(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":{}})");
        return std::string(harness::to_string(f.kind)) + ": " + f.error;
    });
    ASSERT_TRUE(r.finished) << "crashed (signal " << r.signal << ")";
    EXPECT_EQ(r.output, "invalid: nested deeper than 256 levels");
}

TEST(FrameHostile, NestingAtTheLimitIsParsed) {
    const std::string v = std::string(255, '[') + std::string(255, ']');
    const auto f = parse_frame(R"({"jsonrpc":"2.0","id":1,"result":)" + v + "}");
    EXPECT_EQ(f.kind, FrameKind::response);
}

TEST(FrameHostile, BracketsInsideStringsDoNotCount) {
    const std::string text(1000, '[');
    const auto f = parse_frame(R"({"jsonrpc":"2.0","id":1,"result":")" + text + R"("})");
    EXPECT_EQ(f.kind, FrameKind::response);
}

TEST(FrameHostile, InvalidUtf8IsInvalid) {
    EXPECT_EQ(parse_frame("{\"type\":\"stream_token\",\"token\":\"\xc3\x28\"}").kind,
              FrameKind::invalid);
    EXPECT_EQ(parse_frame("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\xff\"}").kind,
              FrameKind::invalid);
}

TEST(FrameHostile, HugeIdsAreRoutedOrRefusedNeverThrown) {
    EXPECT_EQ(parse_frame(R"({"jsonrpc":"2.0","id":1e400,"result":{}})").kind, FrameKind::invalid);
    const auto big =
        parse_frame(R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"result":{}})");
    EXPECT_EQ(big.kind, FrameKind::response);
    EXPECT_FALSE(big.route.empty());
    // A million digits do not fit a double either.
    const std::string long_id(1 << 20, '7');
    EXPECT_EQ(parse_frame(R"({"jsonrpc":"2.0","id":)" + long_id + R"(,"result":{}})").kind,
              FrameKind::invalid);
}

TEST(FrameHostile, EmptyAndTruncatedFramesAreInvalid) {
    EXPECT_EQ(parse_frame("").kind, FrameKind::invalid);
    EXPECT_EQ(parse_frame("{").kind, FrameKind::invalid);
    EXPECT_EQ(parse_frame(R"({"type":"stream_token","token":"a)").kind, FrameKind::invalid);
}

}  // namespace
