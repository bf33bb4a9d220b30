#include "chat/choices.hpp"

#include <gtest/gtest.h>

namespace harness::chat {
namespace {

// The server's own text (docs/mcp-server.md, search_patients_by_disease).
const char* kResult =
    "Found 2 patients matching 'asthma':\n\n"
    "1. ID: P001 | Name: Ana Diaz | Age: 40 | Symptoms: wheezing\n"
    "2. ID: P017 | Name: Bo Li | Age: 71 | Symptoms: cough, asthma\n";

TEST(ChatChoices, ParsesTheNumberedHits) {
    const auto hits = parse_hits(kResult);
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].number, "1");
    EXPECT_EQ(hits[0].id, "P001");
    EXPECT_EQ(hits[0].name, "Ana Diaz");
    EXPECT_EQ(hits[1].id, "P017");
    EXPECT_EQ(hits[1].name, "Bo Li");
}

TEST(ChatChoices, SkipsLinesThatAreNotHits) {
    EXPECT_TRUE(parse_hits("No patients found matching 'zzz'.").empty());
    EXPECT_TRUE(parse_hits("").empty());
    EXPECT_TRUE(parse_hits("1. Name: x | ID: y\nx. ID: P1\n1.ID: P2\n3. ID:  | Name: q").empty());
    const auto hits = parse_hits("junk\r\n 7. ID: X-9\r\n");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, "X-9");
    EXPECT_EQ(hits[0].name, "");
}

TEST(ChatChoices, PickByNumberOrId) {
    const auto hits = parse_hits(kResult);
    EXPECT_EQ(parse_pick("2", hits).patient_id, "P017");
    EXPECT_EQ(parse_pick(" 1 \r", hits).patient_id, "P001");
    EXPECT_EQ(parse_pick("p017", hits).patient_id, "P017");  // a hit's id, any case
    const Pick other = parse_pick("P099", hits);             // not a hit: the server decides
    EXPECT_EQ(other.kind, Pick::Kind::patient);
    EXPECT_EQ(other.patient_id, "P099");
}

TEST(ChatChoices, NumericIdsArePositionsFirstThenIds) {
    const auto hits = parse_hits("1. ID: 10 | Name: A\n2. ID: 1 | Name: B\n");
    EXPECT_EQ(parse_pick("1", hits).patient_id, "10");  // the first hit, not patient 1
    EXPECT_EQ(parse_pick("2", hits).patient_id, "1");
    EXPECT_EQ(parse_pick("10", hits).patient_id, "10");  // no 10th hit: a hit's id
    EXPECT_EQ(parse_pick("11", hits).kind, Pick::Kind::invalid);
}

TEST(ChatChoices, EmptyPickSearchesAgain) {
    EXPECT_EQ(parse_pick("  ", parse_hits(kResult)).kind, Pick::Kind::search_again);
}

TEST(ChatChoices, BadPicksSayWhatToType) {
    const auto hits = parse_hits(kResult);
    for (const char* bad : {"0", "3", "99999999999999999999999", "two words", "P0;rm", "-1x!"}) {
        const Pick p = parse_pick(bad, hits);
        EXPECT_EQ(p.kind, Pick::Kind::invalid) << bad;
        EXPECT_NE(p.error.find("1 to 2"), std::string::npos) << p.error;
    }
    EXPECT_EQ(parse_pick(std::string(65, 'a'), hits).kind, Pick::Kind::invalid);
    EXPECT_EQ(parse_pick(std::string(64, 'a'), hits).kind, Pick::Kind::patient);
}

TEST(ChatChoices, YesNo) {
    EXPECT_EQ(parse_yes_no("y"), true);
    EXPECT_EQ(parse_yes_no(" YES\r"), true);
    EXPECT_EQ(parse_yes_no("n"), false);
    EXPECT_EQ(parse_yes_no("No"), false);
    EXPECT_EQ(parse_yes_no(""), false);  // [y/N]
    EXPECT_EQ(parse_yes_no("yep"), std::nullopt);
    EXPECT_EQ(parse_yes_no("1"), std::nullopt);
}

TEST(ChatChoices, SummaryOfTheResult) {
    EXPECT_EQ(summary_of_result("Generated Summary for Ana (ID: P001):\n\nShe is well.\n\nMore."),
              "She is well.\n\nMore.");
    EXPECT_EQ(summary_of_result("just text"), "just text");
}

}  // namespace
}  // namespace harness::chat
