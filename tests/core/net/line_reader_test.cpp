#include "net/line_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace core {
namespace {

// What the reader reported, in order: a line's text, or "<too long>".
std::vector<std::string> events_of(LineReader& reader, const std::vector<std::string>& pieces) {
    std::vector<std::string> out;
    for (const auto& piece : pieces) {
        reader.feed(
            piece, [&out](std::string_view line) { out.emplace_back(line); },
            [&out] { out.emplace_back("<too long>"); });
    }
    return out;
}

TEST(LineReader, SplitsOnNewlineAcceptsCrlfAndSkipsBlankLines) {
    LineReader r(100);
    EXPECT_EQ(events_of(r, {"a\r\n\n\r\nb", "c\nd"}), (std::vector<std::string>{"a", "bc"}));
    EXPECT_EQ(r.pending(), "d");
}

// Refused as soon as it is too long, not when its end arrives; the rest of it is dropped,
// however it is cut, and the next line is read as usual.
TEST(LineReader, ALineOverTheLimitIsReportedOnceAndTheRestOfItSkipped) {
    LineReader r(4);
    EXPECT_EQ(events_of(r, {"ok\n12345"}), (std::vector<std::string>{"ok", "<too long>"}));
    EXPECT_TRUE(r.skipping());
    EXPECT_EQ(events_of(r, {"678{\"x\"", ":1}", "9\nnext\n"}), (std::vector<std::string>{"next"}));
    EXPECT_FALSE(r.skipping());
}

TEST(LineReader, TheLimitItselfIsAccepted) {
    LineReader r(4);
    EXPECT_EQ(events_of(r, {"abcd\nabcde\nxy\n"}),
              (std::vector<std::string>{"abcd", "<too long>", "xy"}));
}

TEST(LineReader, AWholeOversizedLineInOneReadEndsThere) {
    LineReader r(3);
    EXPECT_EQ(events_of(r, {"toolong\nab\n"}), (std::vector<std::string>{"<too long>", "ab"}));
    EXPECT_FALSE(r.skipping());
}

}  // namespace
}  // namespace core
