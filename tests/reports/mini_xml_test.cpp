// The checker must itself reject what a real XML parser rejects, or the JUnit tests prove
// nothing.
#include "mini_xml.hpp"

#include <gtest/gtest.h>

namespace {

TEST(MiniXml, ParsesElementsAttributesAndText) {
    const auto root = mini_xml::parse(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &amp; 2\" y='&lt;&#65;&#x42;'>"
        "<b/>t&gt;<c>z</c></a>\n");
    EXPECT_EQ(root.name, "a");
    EXPECT_EQ(root.at("x"), "1 & 2");
    EXPECT_EQ(root.at("y"), "<AB");
    ASSERT_EQ(root.children.size(), 2u);
    EXPECT_EQ(root.children[1].text, "z");
    EXPECT_EQ(root.text, "t>");
}

TEST(MiniXml, NormalisesLiteralWhitespaceInAttributesButKeepsReferences) {
    const auto root = mini_xml::parse("<a v=\"x\ny&#10;z\"/>");
    EXPECT_EQ(root.at("v"), "x y\nz");
}

TEST(MiniXml, RejectsMalformedDocuments) {
    for (const char* bad : {
             "<a><b></a></b>",        // mismatched
             "<a x=\"1\" x=\"2\"/>",  // duplicate attribute
             "<a x=1/>",              // unquoted
             "<a>1 < 2</a>",          // raw '<'
             "<a>fish & chips</a>",   // raw '&'
             "<a>&nbsp;</a>",         // unknown entity
             "<a>&#1;</a>",           // reference to a control character
             "<a x=\"<\"/>",          // '<' in attribute
             "<a/><b/>",              // two roots
             "<a>",                   // unterminated
             "<a x=\"1\"y=\"2\"/>",   // no space between attributes
         }) {
        EXPECT_THROW(mini_xml::parse(bad), mini_xml::ParseError) << bad;
    }
}

TEST(MiniXml, RejectsCharactersOutsideXml10) {
    EXPECT_THROW(mini_xml::parse("<a>\x01</a>"), mini_xml::ParseError);
    EXPECT_THROW(mini_xml::parse("<a>\xEF\xBF\xBF</a>"), mini_xml::ParseError);  // U+FFFF
    EXPECT_THROW(mini_xml::parse("<a>\xED\xA0\x80</a>"), mini_xml::ParseError);  // surrogate
    EXPECT_THROW(mini_xml::parse("<a>\xC3</a>"), mini_xml::ParseError);          // truncated
    EXPECT_THROW(mini_xml::parse("<a>\xC0\xAF</a>"), mini_xml::ParseError);      // overlong
    EXPECT_NO_THROW(mini_xml::parse("<a>\t\r\n\xC3\xA9\xF0\x9F\x98\x80</a>"));
}

}  // namespace
