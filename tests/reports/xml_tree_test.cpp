// The reader must reject what a conforming XML parser rejects (so no recovery mode), or the
// JUnit tests prove nothing.
#include "xml_tree.hpp"

#include <gtest/gtest.h>

namespace {

TEST(XmlTree, ParsesElementsAttributesAndText) {
    const auto root = xml_tree::parse(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1 &amp; 2\" y='&lt;&#65;&#x42;'>"
        "<b/>t&gt;<c>z</c></a>\n");
    EXPECT_EQ(root.name, "a");
    EXPECT_EQ(root.at("x"), "1 & 2");
    EXPECT_EQ(root.at("y"), "<AB");
    ASSERT_EQ(root.children.size(), 2u);
    EXPECT_EQ(root.children[1].text, "z");
    EXPECT_EQ(root.text, "t>");
}

TEST(XmlTree, NormalisesLiteralWhitespaceInAttributesButKeepsReferences) {
    const auto root = xml_tree::parse("<a v=\"x\ny&#10;z\"/>");
    EXPECT_EQ(root.at("v"), "x y\nz");
}

TEST(XmlTree, RejectsMalformedDocuments) {
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
        EXPECT_THROW(xml_tree::parse(bad), xml_tree::ParseError) << bad;
    }
}

TEST(XmlTree, RejectsCharactersOutsideXml10) {
    EXPECT_THROW(xml_tree::parse("<a>\x01</a>"), xml_tree::ParseError);
    EXPECT_THROW(xml_tree::parse("<a>\xEF\xBF\xBF</a>"), xml_tree::ParseError);  // U+FFFF
    EXPECT_THROW(xml_tree::parse("<a>\xED\xA0\x80</a>"), xml_tree::ParseError);  // surrogate
    EXPECT_THROW(xml_tree::parse("<a>\xC3</a>"), xml_tree::ParseError);          // truncated
    EXPECT_THROW(xml_tree::parse("<a>\xC0\xAF</a>"), xml_tree::ParseError);      // overlong
    EXPECT_NO_THROW(xml_tree::parse("<a>\t\r\n\xC3\xA9\xF0\x9F\x98\x80</a>"));
}

}  // namespace
