#include "html/markup.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "xml_tree.hpp"

namespace {

using reports::html::Markup;

const std::string kHostile = "</td></tr><script>alert(\"x\")</script> & 'q' \"dq\" <b>";

TEST(HtmlMarkup, HostileTextAndAttributesStayTextAndValues) {
    Markup m;
    m.open("div", {{"class", "check"}, {"data-id", kHostile}});
    m.element("span", {{"title", kHostile}}, kHostile);
    m.text(kHostile);
    const std::string out = m.finish();
    EXPECT_EQ(out.find("<script"), std::string::npos) << out;
    EXPECT_EQ(out.find("</td>"), std::string::npos) << out;
    const auto root = xml_tree::parse(out);
    ASSERT_EQ(root.name, "div");
    EXPECT_EQ(root.at("data-id"), kHostile);
    ASSERT_EQ(root.children.size(), 1U);  // the span only: nothing opened by the text
    EXPECT_EQ(root.children[0].at("title"), kHostile);
    EXPECT_EQ(root.children[0].text, kHostile);
    EXPECT_EQ(root.text, kHostile);
}

TEST(HtmlMarkup, ControlCharactersAndLineBreaksSurvive) {
    Markup m;
    m.element("pre", {{"data-x", "a\nb"}}, std::string("line 1\nline 2\x01 end"));
    const auto root = xml_tree::parse(m.finish());
    EXPECT_EQ(root.at("data-x"), "a\nb");  // a character reference, not normalised away
    EXPECT_NE(root.text.find("line 1\nline 2"), std::string::npos);
}

TEST(HtmlMarkup, ElementsCloseInOrderAndFinishClosesTheRest) {
    Markup m;
    m.open("svg", {{"viewBox", "0 0 1 1"}}).open("g").leaf("rect", {{"class", "bar"}});
    EXPECT_EQ(m.finish(), "<svg viewBox=\"0 0 1 1\"><g><rect class=\"bar\"/></g></svg>");
}

TEST(HtmlMarkup, BadNamesAndUnbalancedCloseAreBugsCaughtAtOnce) {
    Markup m;
    EXPECT_THROW(m.open("div onclick=x"), std::invalid_argument);
    EXPECT_THROW(m.leaf("rect", {{"x\"", "1"}}), std::invalid_argument);
    EXPECT_THROW(m.leaf("", {}), std::invalid_argument);
    EXPECT_THROW(m.close(), std::logic_error);
}

TEST(HtmlMarkup, NonFiniteNumbersNeverPrintAsNan) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_EQ(reports::html::coord(nan), "0.0");
    EXPECT_EQ(reports::html::coord(-inf), "0.0");
    EXPECT_EQ(reports::html::coord(12.345), "12.3");
    EXPECT_EQ(reports::html::figure(nan), "—");
    EXPECT_EQ(reports::html::figure(inf), "—");
    EXPECT_EQ(reports::html::figure(1.5), "1.50");
}

}  // namespace
