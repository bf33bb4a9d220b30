// checks::evidence_line: one Evidence as one line, in a check's message and in the bench.
#include <gtest/gtest.h>

#include "harness/checks.hpp"

namespace {

using harness::checks::evidence_line;
using harness::checks::EvidenceLine;

reports::Evidence evidence(std::string call, std::optional<std::size_t> token, std::string detail,
                           std::string expected, std::string got) {
    reports::Evidence e;
    e.call = std::move(call);
    e.token_index = token;
    e.detail = std::move(detail);
    e.expected = std::move(expected);
    e.got = std::move(got);
    return e;
}

TEST(EvidenceLine, FirstProblemNamesTheCallAndPrefersTheDetail) {
    const auto e = evidence("client 0 generate", 3, "out of order", "\"a\"", "\"b\"");
    EXPECT_EQ(evidence_line(e, EvidenceLine::first_problem),
              "client 0 generate token 3: out of order");
    const auto values = evidence("client 0 generate", std::nullopt, "", "\"a\"", "\"b\"");
    EXPECT_EQ(evidence_line(values, EvidenceLine::first_problem),
              "client 0 generate: expected \"a\", got \"b\"");
    EXPECT_EQ(evidence_line(evidence("", 2, "", "x", "y"), EvidenceLine::first_problem),
              "token 2: expected x, got y");
}

TEST(EvidenceLine, BenchLeavesTheCallOutAndKeepsTheValuesAfterTheDetail) {
    const auto e = evidence("client 0 generate", 3, "out of order", "\"a\"", "\"b\"");
    EXPECT_EQ(evidence_line(e, EvidenceLine::bench),
              "token 3: out of order (expected \"a\", got \"b\")");
    EXPECT_EQ(evidence_line(evidence("c", std::nullopt, "no tokens", "", ""), EvidenceLine::bench),
              "no tokens");
}

TEST(EvidenceLine, AnEmptyEvidenceGivesTheBareShape) {
    const reports::Evidence empty;
    EXPECT_EQ(evidence_line(empty, EvidenceLine::first_problem), "expected , got ");
    EXPECT_EQ(evidence_line(empty, EvidenceLine::bench), "");
}

}  // namespace
