// The evidence audit (issue 11): a check that had nothing to judge is skipped and says why,
// never passed. Each test is a made-up run in which a covered call gave the check nothing:
// before the audit these checks passed "(1/1 calls)" on them.
#include <gtest/gtest.h>

#include "harness/checks.hpp"
#include "run_builder.hpp"

namespace {

using harness::evaluate_check;
using harness::StreamForm;
using harness::testing::Generate;
using harness::testing::renumber;
using harness::testing::RunBuilder;
using reports::Status;

Generate silent(std::string call_id, std::string path, StreamForm form = StreamForm::legacy) {
    Generate g;
    g.call_id = std::move(call_id);
    g.path = std::move(path);
    g.form = form;
    g.tokens = {};  // the mock emitted nothing, nothing arrived
    return g;
}

void expect_not_applicable(const reports::CheckResult& r) {
    EXPECT_EQ(r.status, Status::skipped) << r.message;
    EXPECT_EQ(r.total_items, 0u);
    EXPECT_NE(r.message.find("nothing to judge"), std::string::npos) << r.message;
}

// The case: a call that received 0 tokens passed stream.order as "(1/1 calls)".
TEST(NothingToJudge, OrderOfACallThatReceivedNoToken) {
    RunBuilder b;
    auto& call = b.generate({}).call;
    call.tokens.clear();
    renumber(call);
    const auto r = evaluate_check("stream.order", b.run());
    expect_not_applicable(r);
    EXPECT_NE(r.message.find("no token arrived"), std::string::npos) << r.message;
    // The missing tokens themselves are stream.tokens_delivered's failure.
    EXPECT_EQ(evaluate_check("stream.tokens_delivered", b.run()).status, Status::failed);
}

TEST(NothingToJudge, OrderStillJudgesTheCallsThatHadTokens) {
    RunBuilder b;
    b.generate(silent("1", "steps[0]"));
    Generate g;
    g.call_id = "2";
    g.path = "steps[1]";
    b.generate(g);
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 1u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("not applicable to 1 calls"), std::string::npos) << r.warnings[0];
}

TEST(NothingToJudge, DeliveryWhenTheMockEmittedNothing) {
    RunBuilder b;
    b.generate(silent("1", "steps[0]"));
    expect_not_applicable(evaluate_check("stream.tokens_delivered", b.run()));
}

TEST(NothingToJudge, BothStreamFormsWithSilentStreams) {
    RunBuilder b;
    b.generate(silent("1", "steps[0]", StreamForm::legacy));
    b.generate(silent("2", "steps[1]", StreamForm::progress));
    expect_not_applicable(evaluate_check("compat.both_stream_forms", b.run()));
}

// A silent call does not count as exercising its form.
TEST(NothingToJudge, ASilentStreamDoesNotStandForItsForm) {
    RunBuilder b;
    b.generate({});  // legacy, with tokens
    b.generate(silent("2", "steps[1]", StreamForm::progress));
    const auto r = evaluate_check("compat.both_stream_forms", b.run());
    EXPECT_EQ(r.status, Status::failed) << r.message;
}

TEST(NothingToJudge, IsolationOfSilentStreams) {
    RunBuilder b;
    b.generate(silent("1", "steps[0]"));
    Generate other = silent("2", "steps[0]");
    other.client = 1;
    other.patient_id = "P002";
    other.patient_name = "Alan Turing";
    b.generate(other);
    expect_not_applicable(evaluate_check("concurrency.isolation", b.run()));
}

// An empty summaries CSV before and after: the header "check" compared nothing with nothing.
TEST(NothingToJudge, IntegrityOfAnEmptyCsv) {
    RunBuilder b;
    b.before.clear();
    b.after.clear();
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::skipped) << r.message;
    EXPECT_NE(r.message.find("nothing to judge"), std::string::npos) << r.message;
}

}  // namespace
