// decide() keeps each generate call's raw timings for samples.jsonl: one CallSamples per
// generate call, times in µs since the scenario started, arrivals from the client's record,
// emissions from the matched mock request, and how the call ended.
#include <gtest/gtest.h>

#include "harness/report_builder.hpp"
#include "run_builder.hpp"

namespace harness {
namespace {

using namespace harness::testing;

struct Decided {
    RunBuilder b;
    reports::ScenarioResult result;
};

// Four generate calls (ok, timed out, cancelled, answered with an error) and a ping; the
// scenario started 10 ms before the first call was sent.
void decide_four_calls(Decided& d) {
    d.b.scenario.name = "four";
    d.b.scenario.checks = {"stream.order"};
    d.b.generate({});
    fail_transport(d.b.generate({.path = "steps[1]", .call_id = "2", .sent_ms = 100}).call,
                   "no response within 500 ms", 600);
    auto& cancelled = d.b.generate({.path = "steps[2]", .call_id = "3", .sent_ms = 200});
    cancelled.cancelled = true;
    respond(cancelled.call, error_response("3", -32800, "cancelled"), 260);
    auto& failed = d.b.generate({.path = "steps[3]", .call_id = "4", .sent_ms = 300});
    respond(failed.call, error_response("4", -32603, "boom"), 400);
    d.b.ping(0, "steps[4]", "5", 500);
    ScenarioOutput out;
    out.run = d.b.run();
    out.run.started_wall_us = wall(-10);
    d.result = decide(d.b.scenario, out);
}

TEST(ReportBuilderSamples, OnePerGenerateCallWithHowItEnded) {
    Decided d;
    decide_four_calls(d);
    const auto& s = d.result.samples;
    ASSERT_EQ(s.size(), 4u);  // not the ping
    EXPECT_EQ(s[0].outcome, "ok");
    EXPECT_EQ(s[1].outcome, "timeout");
    EXPECT_EQ(s[2].outcome, "cancelled");
    EXPECT_EQ(s[3].outcome, "error");
    for (const auto& c : s) {
        EXPECT_EQ(c.scenario, "four");
        EXPECT_EQ(c.patient_id, "P001");
        EXPECT_EQ(c.client, 0u);
    }
    EXPECT_EQ(s[0].call, "client 0 steps[0] generate P001 (id 1)");
}

TEST(ReportBuilderSamples, TimesSinceTheScenarioStarted) {
    Decided d;
    decide_four_calls(d);
    const auto& c = d.result.samples[0];
    EXPECT_EQ(c.sent_us, 10'000);
    // The mock got it at 2 ms, emitted the first token 50 ms later, one every 20 ms; each
    // arrived 1 ms after its emission; the response came after the last token.
    ASSERT_EQ(c.emitted_us.size(), 7u);
    ASSERT_EQ(c.arrived_us.size(), 7u);
    EXPECT_EQ(c.emitted_us[0], 62'000);
    EXPECT_EQ(c.arrived_us[0], 63'000);
    EXPECT_EQ(c.emitted_us[6], 182'000);
    EXPECT_EQ(c.arrived_us[6], 183'000);
    EXPECT_GE(c.response_us, c.arrived_us[6]);
    // No response: unknown (-1), not the scenario's start.
    EXPECT_EQ(d.result.samples[1].response_us, -1);
    EXPECT_EQ(d.result.samples[1].sent_us, 110'000);
}

TEST(ReportBuilderSamples, TokensNotKeptLeaveNoArrivals) {
    RunBuilder b;
    b.scenario.name = "counts only";
    auto& st = b.generate({});
    st.call.tokens.clear();  // the runner kept the count only
    ScenarioOutput out;
    out.run = b.run();
    const auto r = decide(b.scenario, out);
    ASSERT_EQ(r.samples.size(), 1u);
    EXPECT_TRUE(r.samples[0].arrived_us.empty());
    EXPECT_EQ(r.samples[0].emitted_us.size(), 7u);
}

}  // namespace
}  // namespace harness
