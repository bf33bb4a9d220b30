// timeout.*: long generations complete; a stalled upstream gives a tool error on time.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

constexpr const char* kCall = "client 0 steps[0] generate P001 (id 1)";

TEST(ChecksLongGeneration, SkippedWhenNoCallLastedThatLong) {
    RunBuilder b;
    b.generate({});
    const auto r = evaluate_check("timeout.long_generation", b.run());
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.message,
              "no generate call lasted longer than 60 s × 1 = 60 s (the longest lasted 0.174 s)");
}

TEST(ChecksLongGeneration, PassesWhenALongCallCompleted) {
    RunBuilder b;
    b.record().time_scale = 0.001;  // 60 s becomes 60 ms; the call lasts 174 ms
    b.generate({});
    const auto r = evaluate_check("timeout.long_generation", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 1u);
}

TEST(ChecksLongGeneration, FailsWhenTheConnectionClosedDuringIt) {
    RunBuilder b;
    b.record().time_scale = 0.001;
    b.generate({});
    auto& closed = b.ping(0, "steps[1]", "2", 100);
    closed.close_code = 1011;
    closed.close_reason = "keep-alive timeout";
    closed.closed_wall_us = wall(120);
    const auto r = evaluate_check("timeout.long_generation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.expected, "no close");
    EXPECT_EQ(e.got, "close 1011 \"keep-alive timeout\"");
    EXPECT_EQ(e.detail, "the connection was closed during a 0.174 s generation");
}

TEST(ChecksLongGeneration, AGenerationCutShortFails) {
    RunBuilder b;
    b.record().time_scale = 0.001;
    fail_transport(b.generate({}).call, "connection closed", 30);
    const auto r = evaluate_check("timeout.long_generation", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail, "call failed: connection closed after 0.03 s");
}

// A generate stalled forever after 3 tokens at time_scale 0.01 (upstream timeout 1.2 s,
// tolerance max(5 s * 0.01, 200 ms) = 200 ms), its tool error `error_after_ms` after the last
// token, then a ping on the same connection.
struct Stall {
    RunBuilder b;
    StepRecord* stalled = nullptr;

    // `error_after_ms` after the mock wrote the last token (the server's inactivity timer
    // starts when it reads it); the client got each token `relay_ms` after that.
    explicit Stall(double error_after_ms, bool save = false, double relay_ms = 1) {
        b.record().time_scale = 0.01;
        b.record().ollama_timeout_ms = 1200;
        Generate g;
        g.tokens = {"Patient", " is", " stable"};
        g.save = save;
        g.relay_ms = relay_ms;
        auto& s = b.generate(g);
        s.fault = "stall:after=3";
        s.expect = Expect::tool_error;
        b.record().mock_requests[0].outcome = "in_progress";
        const double last_ms =
            static_cast<double>(b.record().mock_requests[0].tokens.back().t_us - kWallOrigin) /
            1000;
        respond(s.call, result_response("1", "Ollama timed out after 120 s", true),
                last_ms + error_after_ms);
        RunBuilder::set_summary(b.after, "P001", "");  // nothing saved
        b.ping(0, "steps[1]", "2", last_ms + error_after_ms + 10);
        stalled = &b.record().steps[0];
    }
};

TEST(ChecksUpstreamStall, PassesOnATimelyToolErrorAndALiveConnection) {
    Stall s(1250);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 1u);
    EXPECT_TRUE(r.warnings.empty());
}

TEST(ChecksUpstreamStall, FailsOnALateTimeout) {
    Stall s(1200 + 3000);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.expected, "a tool error (isError) 1188.0 ms to 1400.0 ms after the last token");
    EXPECT_EQ(e.got, "tool error 4200.0 ms after the last token");
    EXPECT_EQ(e.detail,
              "the tool error came late: the upstream timeout is 1200.0 ms, tolerance 200.0 ms");
}

TEST(ChecksUpstreamStall, FailsOnAnEarlyTimeout) {
    Stall s(500);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    EXPECT_EQ(r.evidence[0].got, "tool error 500.0 ms after the last token");
    EXPECT_EQ(r.evidence[0].detail, "the tool error came early: the upstream timeout is 1200.0 ms");
}

TEST(ChecksUpstreamStall, ALateRelayOfTheLastTokenDoesNotMakeTheTimeoutLookEarly) {
    // Seen on a loaded machine: the last token reached the client 40 ms after the mock wrote
    // it, and the tool error came 1,195 ms after the mock wrote it, 1,155 ms after the
    // client got it. The server's timer started when it read the token, so this is on time.
    Stall s(1195, false, 40);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::passed) << (r.evidence.empty() ? "" : r.evidence[0].detail);
}

TEST(ChecksUpstreamStall, FailsWhenThePartialStreamWasSaved) {
    Stall s(1250, true);
    RunBuilder::set_summary(s.b.after, "P001", "Patient is stable");
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.expected, "\"\" (unchanged)");
    EXPECT_EQ(e.got, "\"Patient is stable\"");
    EXPECT_EQ(e.detail,
              "the call failed but patient P001's row changed: the partial stream was saved "
              "(17 chars)");
}

TEST(ChecksUpstreamStall, FailsWhenTheConnectionStopsAnswering) {
    Stall s(1250);
    fail_transport(s.b.record().steps[1].call, "no response within 5 s", 8000);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[1] ping (id 2)");
    EXPECT_EQ(e.got, "no response within 5 s");
    EXPECT_EQ(e.detail,
              "the server stopped serving this connection after the stall of client 0 steps[0] "
              "generate P001 (id 1)");
}

TEST(ChecksUpstreamStall, FailsWhenTheStalledCallSucceeded) {
    Stall s(1250);
    respond(
        s.stalled->call,
        result_response("1", generated_text("Ada Lovelace", "P001", "Patient is stable"), false),
        1500);
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).got, "a successful result");
}

TEST(ChecksUpstreamStall, WarnsWhenNothingFollowsTheStall) {
    Stall s(1250);
    s.b.record().steps.pop_back();
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::passed);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0],
              "client 0 steps[0] generate P001 (id 1): no later call on the connection, so that "
              "it still answers was not checked");
}

TEST(ChecksUpstreamStall, AFiniteStallIsNotCovered) {
    Stall s(1250);
    s.stalled->fault = "stall:after=3,ms=500";
    const auto r = evaluate_check("timeout.upstream_stall", s.b.run());
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.message, "no generate call with a stall-forever fault (stall without ms=)");
}

}  // namespace
}  // namespace harness
