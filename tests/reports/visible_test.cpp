// reports::visible_text: the one escaper behind the renderers' visible() (unicode style) and
// the checks' quoted evidence (ascii_hex style), on well-formed and malformed input.
#include "reports/visible.hpp"

#include <gtest/gtest.h>

namespace {

using reports::visible_text;
using reports::VisibleStyle;

VisibleStyle evidence(std::size_t max_chars = std::string_view::npos) {
    VisibleStyle s;
    s.controls = VisibleStyle::Controls::ascii_hex;
    s.escape_quotes = true;
    s.max_chars = max_chars;
    return s;
}

TEST(VisibleText, EmptyStaysEmptyAndUntruncated) {
    EXPECT_EQ(visible_text("").text, "");
    EXPECT_FALSE(visible_text("").truncated);
    EXPECT_EQ(visible_text("", evidence(0)).text, "");
    EXPECT_FALSE(visible_text("", evidence(0)).truncated);
}

TEST(VisibleText, ControlBytesInEachStyle) {
    const std::string s = std::string("a\nb\rc\td") + '\0' + "\x01\x1F\x7F";
    EXPECT_EQ(visible_text(s).text, "a\\nb\\rc\\td\\u0000\\u0001\\u001F\\u007F");
    EXPECT_EQ(visible_text(s, evidence()).text, "a\\nb\\rc\\td\\x00\\x01\\x1F\\x7F");
    VisibleStyle lines;
    lines.multiline = true;
    EXPECT_EQ(visible_text("a\r\nb\tc\x01", lines).text, "a\nb\tc\\u0001");
}

TEST(VisibleText, C1AndFormatCharactersOnlyInTheUnicodeStyle) {
    const std::string s = "\xC2\x85|\xE2\x80\xAE|\xE2\x80\xA8|é";  // NEL, RLO, LS, é
    EXPECT_EQ(visible_text(s).text, "\\u0085|\\u202E|\\u2028|é");
    EXPECT_EQ(visible_text(s, evidence()).text, s);
}

TEST(VisibleText, QuotesAndBackslashesOnlyWhenAsked) {
    EXPECT_EQ(visible_text("say \"hi\" \\o/").text, "say \"hi\" \\o/");
    EXPECT_EQ(visible_text("say \"hi\" \\o/", evidence()).text, "say \\\"hi\\\" \\\\o/");
}

TEST(VisibleText, MalformedBytesOneByOne) {
    // Stray continuation, truncated sequence, overlong, out-of-range lead, surrogate.
    const std::string s = "\x80|\xE2\x82|\xC0\xAF|\xF8|\xED\xA0\x80";
    const std::string want = "\\x80|\\xE2\\x82|\\xC0\\xAF|\\xF8|\\xED\\xA0\\x80";
    EXPECT_EQ(visible_text(s).text, want);
    EXPECT_EQ(visible_text(s, evidence()).text, want);
}

TEST(VisibleText, TruncatesByCharactersNeverInsideOne) {
    auto v = visible_text("héllo", evidence(2));
    EXPECT_EQ(v.text, "hé");
    EXPECT_TRUE(v.truncated);
    v = visible_text("hé", evidence(2));
    EXPECT_EQ(v.text, "hé");
    EXPECT_FALSE(v.truncated);
    // Each malformed byte is one character: a surrogate's three bytes count three.
    v = visible_text("\xED\xA0\x80z", evidence(2));
    EXPECT_EQ(v.text, "\\xED\\xA0");
    EXPECT_TRUE(v.truncated);
    // An escape is one character however long its text.
    v = visible_text("\n\n\n", evidence(2));
    EXPECT_EQ(v.text, "\\n\\n");
    EXPECT_TRUE(v.truncated);
}

}  // namespace
