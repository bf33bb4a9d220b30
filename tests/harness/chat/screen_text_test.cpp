#include "chat/screen_text.hpp"

#include <gtest/gtest.h>

namespace harness::chat {
namespace {

TEST(ChatScreenText, PlainAndUtf8TextPass) {
    EXPECT_EQ(printable("Ana, 40 \"quoted\"\n\tnext — é 😀"), "Ana, 40 \"quoted\"\n\tnext — é 😀");
}

TEST(ChatScreenText, EscapeSequencesAreShownNotRun) {
    EXPECT_EQ(printable("\x1b]0;pwned\x07red\x1b[31m"), "^[]0;pwned^Gred^[[31m");
    EXPECT_EQ(printable(std::string("a\0b", 3)), "a^@b");
    EXPECT_EQ(printable("x\x7fy"), "x^?y");
    EXPECT_EQ(printable("\xc2\x9b"
                        "2J"),
              "^[[2J");                            // CSI as one C1 character
    EXPECT_EQ(printable("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is text
}

TEST(ChatScreenText, CarriageReturns) {
    EXPECT_EQ(printable("a\r\nb"), "a\nb");
    EXPECT_EQ(printable("over\rwrite"), "over^Mwrite");
    EXPECT_EQ(printable("end\r"), "end^M");
}

}  // namespace
}  // namespace harness::chat
