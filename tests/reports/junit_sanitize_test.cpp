// Text from the system under test reaches junit.xml escaped, minus what XML 1.0 cannot carry.
#include <gtest/gtest.h>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

reports::RunReport with_detail(std::string text) {
    auto c = check("stream.final_matches", Status::failed);
    c.message = "m";
    c.evidence.push_back({"", std::nullopt, "", "", std::move(text)});
    return run({scenario("s", {c})});
}

std::string failure_body(const reports::RunReport& r) {
    const auto root = junit_tree(r);
    const auto* f = testcase(root, "stream.final_matches")->first("failure");
    return f ? f->text : "<no failure>";
}

TEST(JunitSanitize, ControlCharactersAreStripped) {
    EXPECT_EQ(failure_body(with_detail(std::string("a\x00"
                                                   "b\x01\x08\x0B\x0C\x1B\x1F"
                                                   "c",
                                                   10))),
              "m\n\n  abc\n");
}

TEST(JunitSanitize, TabLfCrSurvive) {
    EXPECT_EQ(failure_body(with_detail("a\tb\r\nc")), "m\n\n  a\tb\r\nc\n");
}

TEST(JunitSanitize, NonCharactersSurrogatesAndBrokenUtf8AreStripped) {
    // U+FFFE, U+FFFF, a CESU-encoded surrogate, a lone continuation byte, a truncated
    // sequence, an overlong '/'.
    EXPECT_EQ(failure_body(with_detail("a\xEF\xBF\xBE"
                                       "b\xEF\xBF\xBF"
                                       "c\xED\xA0\x80"
                                       "d\x80"
                                       "e\xE2\x82"
                                       "f\xC0\xAF"
                                       "g")),
              "m\n\n  abcdefg\n");
}

TEST(JunitSanitize, ValidNonAsciiIsKept) {
    EXPECT_EQ(failure_body(with_detail("Blutdruck erhöht → 140/90 😀 \xEF\xBF\xBD")),
              "m\n\n  Blutdruck erhöht → 140/90 😀 \xEF\xBF\xBD\n");
}

TEST(JunitSanitize, MarkupCharactersRoundTripInTextAndAttributes) {
    const std::string hostile = "a & b < c > d \" e ' f ]]> g";
    auto r = with_detail(hostile);
    r.scenarios[0].name = hostile;
    r.scenarios[0].checks[0].message = hostile;
    const std::string xml = reports::render_junit(r);
    const auto root = xml_tree::parse(xml);
    EXPECT_EQ(root.all("testsuite")[0]->at("name"), hostile);
    const auto* f = testcase(root, "stream.final_matches")->first("failure");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->at("message"), hostile);
    EXPECT_EQ(f->text, hostile + "\n\n  " + hostile + "\n");
    EXPECT_EQ(xml.find("]]>"), std::string::npos);
}

TEST(JunitSanitize, WhitespaceInAttributesSurvivesNormalisation) {
    auto r = with_detail("x");
    r.scenarios[0].name = "tab\there\nnewline\rcr";
    EXPECT_EQ(junit_tree(r).all("testsuite")[0]->at("name"), "tab\there\nnewline\rcr");
}

TEST(JunitSanitize, ExpectedAndGotShowInvisibleCharacters) {
    auto c = check("stream.final_matches", Status::failed);
    c.evidence.push_back({"", std::nullopt, "\"ok\n\"", "\"ok\x01\"", ""});
    const std::string body = failure_body(run({scenario("s", {c})}));
    EXPECT_NE(body.find("  expected: \"ok\\n\"\n  got:      \"ok\\u0001\"\n"), std::string::npos)
        << body;
}

}  // namespace
