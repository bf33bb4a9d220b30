// mcp_server_load's verdict on a stream: the harness's stream rules applied to one call.
#include "stream_check.hpp"

#include <gtest/gtest.h>

namespace bench {
namespace {

const std::vector<std::string> kTexts = {"Hello", ",", " wörld", "\n"};

// What the mock emitted: kTexts.
harness::MockRequest mock_request() {
    harness::MockRequest m;
    m.id = 1;
    m.stream = true;
    m.outcome = "completed";
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
        m.tokens.push_back({i, kTexts[i], 1'000 + static_cast<std::int64_t>(i), 0});
        m.text += kTexts[i];
    }
    return m;
}

// A call that received `texts` in `form`, with faithful positions (code points so far) and
// progress values, and a result whose summary is the trimmed concatenation.
harness::StepRecord received(bool progress, const std::vector<std::string>& texts = kTexts) {
    harness::CallRecord c;
    c.id = "7";
    c.sent_steady_us = 1;
    c.response_steady_us = 100;
    std::int64_t code_points = 0;
    std::string all;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        harness::TokenArrival t;
        t.text = texts[i];
        t.form = progress ? harness::StreamForm::progress : harness::StreamForm::legacy;
        code_points += static_cast<std::int64_t>(texts[i] == " wörld" ? 6 : texts[i].size());
        if (progress) {
            t.progress = static_cast<double>(i + 1);
        } else {
            t.position = code_points;
        }
        c.tokens.push_back(t);
        all += texts[i];
    }
    c.token_count = c.tokens.size();
    const std::string summary = all.substr(0, all.find_last_not_of('\n') + 1);
    c.response = {
        {"jsonrpc", "2.0"},
        {"id", 7},
        {"result",
         {{"content",
           {{{"type", "text"}, {"text", "Generated Summary for Ada (ID: P001):\n\n" + summary}}}},
          {"isError", false}}}};
    return generate_step(3, std::move(c), progress);
}

TEST(StreamCheck, AcceptsAFaithfulStreamOfEitherForm) {
    for (bool progress : {true, false}) {
        EXPECT_EQ(stream_problem(received(progress), mock_request()), "") << progress;
    }
}

TEST(StreamCheck, AStepIsAGenerateCallExpectedToStream) {
    const auto step = received(true);
    EXPECT_EQ(step.client, 3u);
    EXPECT_EQ(step.kind, harness::StepKind::generate);
    EXPECT_EQ(step.expect, harness::Expect::ok);
    EXPECT_EQ(step.used_form, harness::StreamForm::progress);
    EXPECT_TRUE(step.used_stream_upstream);
    EXPECT_TRUE(step.is_call);
    EXPECT_EQ(received(false).used_form, harness::StreamForm::legacy);
}

TEST(StreamCheck, ATokenOutOfOrderIsNamedWithItsIndex) {
    const auto problem =
        stream_problem(received(false, {"Hello", " wörld", ",", "\n"}), mock_request());
    EXPECT_EQ(problem.rfind("token 1: token texts out of the mock's emission order", 0), 0u)
        << problem;
}

TEST(StreamCheck, MissingAndExtraTokens) {
    auto problem = stream_problem(received(true, {"Hello", ",", " wörld"}), mock_request());
    EXPECT_NE(problem.find("1 missing, 0 extra"), std::string::npos) << problem;
    problem = stream_problem(received(true, {"Hello", ";", " wörld", "\n"}), mock_request());
    EXPECT_NE(problem.find("1 missing, 1 extra"), std::string::npos) << problem;
}

TEST(StreamCheck, LegacyPositionsCountCodePoints) {
    auto step = received(false);
    step.call.tokens[2].position = 13;  // counted bytes, not code points
    const auto problem = stream_problem(step, mock_request());
    EXPECT_EQ(problem.rfind("token 2: ", 0), 0u) << problem;
    EXPECT_NE(problem.find("(expected position 12, got position 13)"), std::string::npos)
        << problem;
}

TEST(StreamCheck, ProgressMustIncrease) {
    auto step = received(true);
    step.call.tokens[3].progress = 3;
    const auto problem = stream_problem(step, mock_request());
    EXPECT_EQ(problem,
              "token 3: progress does not increase (expected progress > 3, got progress 3)");
}

TEST(StreamCheck, TheSummaryMustBeTheTrimmedStream) {
    auto step = received(true);
    step.call.response["result"]["content"][0]["text"] =
        "Generated Summary for Ada (ID: P001):\n\nHello, wör";
    auto problem = stream_problem(step, mock_request());
    EXPECT_NE(problem.find("the trimmed stream and the summary differ"), std::string::npos)
        << problem;
    step.call.response["result"]["content"][0]["text"] = "Hello, wörld";
    EXPECT_EQ(stream_problem(step, mock_request()), "the result is not a generate_summary result");
}

TEST(StreamCheck, AFailedCallOrUnkeptTokensCannotBeChecked) {
    auto step = received(true);
    step.call.response = {
        {"jsonrpc", "2.0"}, {"id", 7}, {"error", {{"code", -1}, {"message", "x"}}}};
    EXPECT_EQ(stream_problem(step, mock_request()).rfind("no response: ", 0), 0u);
    step = received(true);
    step.call.tokens.pop_back();
    EXPECT_EQ(stream_problem(step, mock_request()),
              "tokens were not kept for this call: cannot check it");
}

}  // namespace
}  // namespace bench
