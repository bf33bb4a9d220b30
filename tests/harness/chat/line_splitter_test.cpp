#include "chat/line_splitter.hpp"

#include <gtest/gtest.h>

namespace harness::chat {
namespace {

std::vector<std::string> all(LineSplitter& s) {
    std::vector<std::string> out;
    while (auto l = s.next()) out.push_back(l->too_long ? "<too long>" : l->text);
    return out;
}

TEST(ChatLineSplitter, LinesAcrossReads) {
    LineSplitter s;
    s.feed("asth");
    EXPECT_FALSE(s.has_line());
    s.feed("ma\r\n1\n\nn");
    EXPECT_EQ(all(s), (std::vector<std::string>{"asthma", "1", ""}));
    s.finish();  // the last line without its newline counts at the end
    EXPECT_EQ(all(s), (std::vector<std::string>{"n"}));
    s.finish();
    EXPECT_TRUE(all(s).empty());
}

TEST(ChatLineSplitter, ATooLongLineIsReportedOnceAndSkipped) {
    LineSplitter s(8);
    s.feed("12345678\n");
    s.feed("123456789");
    s.feed("0123");
    s.feed("456\nok\n");
    EXPECT_EQ(all(s), (std::vector<std::string>{"12345678", "<too long>", "ok"}));
}

TEST(ChatLineSplitter, CrLfAtTheLimit) {
    LineSplitter s(3);
    s.feed("abc\r\nabcd\n");
    s.feed("abcd");  // one over, and no '\r' to drop: too long too
    s.finish();
    EXPECT_EQ(all(s), (std::vector<std::string>{"abc", "<too long>", "<too long>"}));
}

TEST(ChatLineSplitter, TooLongAtTheEndOfInput) {
    LineSplitter s(2);
    s.feed("abcdef");
    s.finish();
    EXPECT_EQ(all(s), (std::vector<std::string>{"<too long>"}));
}

}  // namespace
}  // namespace harness::chat
