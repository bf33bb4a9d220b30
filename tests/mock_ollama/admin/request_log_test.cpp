// The request log reports the tokens a generation emitted, from the generation's own copy.
#include "mock_ollama/request_log.hpp"

#include <gtest/gtest.h>

namespace {

using namespace mock_ollama;

TEST(RequestLog, ReportsTheTokensEmittedSoFarWithTheirTimes) {
    RequestLog log(10);
    auto record = std::make_shared<RequestRecord>();
    log.add(record);
    const Tokens tokens({"Hel", "lo", " wörld"});
    record->set_tokens(tokens);
    auto j = record->to_json(true);
    EXPECT_EQ(j["token_count"], 0);
    EXPECT_EQ(j["text"], "");
    record->add_token(1'000, 900);
    record->add_token(2'000, 1'900);
    j = record->to_json(true);
    EXPECT_EQ(j["token_count"], 2);
    EXPECT_EQ(j["text"], "Hello");
    ASSERT_EQ(j["tokens"].size(), 2u);
    EXPECT_EQ(j["tokens"][1],
              nlohmann::json({{"i", 1}, {"text", "lo"}, {"t_us", 2'000}, {"scheduled_us", 1'900}}));
    EXPECT_FALSE(record->to_json(false).contains("tokens"));
    EXPECT_EQ(record->to_json(false)["token_count"], 2);
}

TEST(RequestLog, TheRecordSharesTheGenerationsTokens) {
    const Tokens tokens({"a", "b"});
    RequestRecord record;
    record.set_tokens(tokens);
    const Tokens copy = tokens;  // the generation's copy: the same strings, not new ones
    EXPECT_EQ(&copy[0], &tokens[0]);
    EXPECT_EQ(copy, Tokens({"a", "b"}));
    EXPECT_EQ(Tokens().size(), 0u);
    EXPECT_TRUE(Tokens().empty());
}

TEST(RequestLog, TimesAddedBeforeTheTokensReportNoTokenText) {
    RequestLog log(10);
    auto record = std::make_shared<RequestRecord>();
    log.add(record);
    record->add_token(1'000, 900);  // before set_tokens: no token to read for it
    auto j = record->to_json(true);
    EXPECT_EQ(j["token_count"], 1);
    EXPECT_EQ(j["text"], "");
    EXPECT_EQ(j["tokens"].size(), 0u);
    record->set_tokens(Tokens({"a"}));
    record->add_token(2'000, 1'900);
    j = record->to_json(true);
    EXPECT_EQ(j["token_count"], 2);
    EXPECT_EQ(j["text"], "a");
    EXPECT_EQ(j["tokens"].size(), 1u);
}

TEST(RequestLog, ALogThatKeepsNothingRecordsNoTimes) {
    RequestLog log(0);
    auto record = std::make_shared<RequestRecord>();
    log.add(record);
    record->set_tokens(Tokens({"x"}));
    record->add_token(1, 1);
    EXPECT_EQ(record->to_json(true)["token_count"], 0);
    EXPECT_EQ(log.snapshot(0, 10, true)["requests"].size(), 0u);
}

}  // namespace
