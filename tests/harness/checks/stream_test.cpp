// stream.*: each streaming generate call against what its mock request emitted.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

constexpr const char* kCall = "client 0 steps[0] generate P001 (id 1)";

TEST(ChecksUpstreamStreaming, PassesWhenStreamedAndATokenCameFirst) {
    RunBuilder b;
    b.generate({});
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.passed_items, 1u);
    EXPECT_EQ(r.total_items, 1u);
    EXPECT_EQ(r.item_unit, "calls");
}

TEST(ChecksUpstreamStreaming, FailsWhenTheMockWasAskedForOneResponse) {
    RunBuilder b;
    b.generate({});
    b.record().mock_requests[0].stream = false;
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(r.passed_items, 0u);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.expected, "stream: true");
    EXPECT_EQ(e.got, "stream: false");
    EXPECT_EQ(e.detail, "the server asked Ollama for one whole response, not a stream");
}

TEST(ChecksUpstreamStreaming, FailsWhenNoTokenPrecedesTheResponse) {
    RunBuilder b;
    auto& s = b.generate({});
    // The response came at 10 ms; the first token (53 ms) only after it.
    s.call.response_steady_us = steady(10);
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).got, "first token 43.0 ms after it");
    EXPECT_EQ(first_evidence(r).detail,
              "no token message reached the client before the final response");
}

TEST(ChecksUpstreamStreaming, AFailedCallIsAFailedItemNotIgnored) {
    RunBuilder b;
    fail_transport(b.generate({}).call, "timed out after 30 s", 100);
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).call, kCall);
    EXPECT_EQ(first_evidence(r).detail, "call failed: timed out after 30 s");
}

TEST(ChecksUpstreamStreaming, AnUnmatchedCallIsAFailedItem) {
    RunBuilder b;
    b.generate({}).mock_request.reset();
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail, "no mock request matched (prompt with Name: Ada Lovelace)");
}

TEST(ChecksUpstreamStreaming, SkippedWithoutAStreamingCall) {
    RunBuilder b;
    Generate g;
    g.stream_upstream = false;
    b.generate(g);
    const auto r = evaluate_check("stream.upstream_streaming", b.run());
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.message,
              "no streaming generate call (stream_upstream) that the scenario expected to "
              "succeed");
}

TEST(ChecksTokensDelivered, PassesWhenEveryTokenArrivedOnce) {
    RunBuilder b;
    b.generate({});
    EXPECT_EQ(evaluate_check("stream.tokens_delivered", b.run()).status, Status::passed);
}

TEST(ChecksTokensDelivered, FailsOnADroppedToken) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    c.tokens.erase(c.tokens.begin() + 2);  // " stable"
    renumber(c);
    const auto r = evaluate_check("stream.tokens_delivered", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.token_index, 2u);
    EXPECT_EQ(e.expected, "\" stable\"");
    EXPECT_EQ(e.got, "\",\"");
    EXPECT_EQ(e.detail,
              "the mock emitted 7 tokens, the client received 6: 1 missing, 0 extra; first "
              "difference at token 2");
}

TEST(ChecksTokensDelivered, FailsOnAnExtraToken) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    auto extra = c.tokens.back();
    extra.text = " again";
    c.tokens.push_back(extra);
    renumber(c);
    const auto r = evaluate_check("stream.tokens_delivered", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.token_index, 7u);
    EXPECT_EQ(e.expected, "(end of stream)");
    EXPECT_EQ(e.got, "\" again\"");
    EXPECT_EQ(e.detail,
              "the mock emitted 7 tokens, the client received 8: 0 missing, 1 extra; first "
              "difference at token 7");
}

TEST(ChecksTokensDelivered, AReorderIsNotAMissingToken) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    std::swap(c.tokens[1].text, c.tokens[2].text);
    renumber(c);
    EXPECT_EQ(evaluate_check("stream.tokens_delivered", b.run()).status, Status::passed);
    EXPECT_EQ(evaluate_check("stream.order", b.run()).status, Status::failed);
}

TEST(ChecksOrder, PassesForBothForms) {
    RunBuilder b;
    b.generate({});
    Generate g;
    g.call_id = "2";
    g.path = "steps[1]";
    g.form = StreamForm::progress;
    g.sent_ms = 500;
    b.generate(g);
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 2u);
}

TEST(ChecksOrder, FailsOnReorderedTokens) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    std::swap(c.tokens[1].text, c.tokens[2].text);
    renumber(c);
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.token_index, 1u);
    EXPECT_EQ(e.expected, "\" is\"");
    EXPECT_EQ(e.got, "\" stable\"");
    EXPECT_EQ(e.detail,
              "token texts out of the mock's emission order: the client's token 1 is the "
              "mock's token 2");
}

TEST(ChecksOrder, ADroppedTokenIsDeliveryNotOrder) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    c.tokens.erase(c.tokens.begin() + 2);
    renumber(c);
    EXPECT_EQ(evaluate_check("stream.order", b.run()).status, Status::passed);
}

TEST(ChecksOrder, FailsOnPositionsCountedInBytes) {
    RunBuilder b;
    Generate g;
    g.tokens = {"Fièvre", " légère", "."};
    auto& c = b.generate(g).call;
    std::int64_t bytes = 0;
    for (auto& t : c.tokens) t.position = bytes += static_cast<std::int64_t>(t.text.size());
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.token_index, 0u);
    EXPECT_EQ(e.expected, "position 6");
    EXPECT_EQ(e.got, "position 7");
    EXPECT_EQ(e.detail, "position counts bytes, not code points, of the text so far");
}

TEST(ChecksOrder, FailsOnAMissingPosition) {
    RunBuilder b;
    b.generate({}).call.tokens[4].position = -1;
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).token_index, 4u);
    EXPECT_EQ(first_evidence(r).got, "no position");
}

TEST(ChecksOrder, FailsOnProgressNotIncreasing) {
    RunBuilder b;
    Generate g;
    g.form = StreamForm::progress;
    auto& c = b.generate(g).call;
    c.tokens[3].progress = 3;  // token 2 had progress 3 too
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.token_index, 3u);
    EXPECT_EQ(e.expected, "progress > 3");
    EXPECT_EQ(e.got, "progress 3");
    EXPECT_EQ(e.detail, "progress does not increase");
}

TEST(ChecksOrder, UndecidedWhenTheRunnerKeptNoTokens) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    c.tokens.clear();  // token_count stays 7
    const auto r = evaluate_check("stream.order", b.run());
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(first_evidence(r).detail,
              "the runner kept 0 of 7 token texts: the stream cannot be checked");
}

TEST(ChecksRealtime, PassesWhenEachTokenIsRelayedAtOnce) {
    RunBuilder b;
    b.generate({});
    const auto r = evaluate_check("stream.realtime", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
}

TEST(ChecksRealtime, FailsOnTokensBatchedAtTheEnd) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    // The mock emitted at 52, 72, ... 172 ms; everything arrives within 1 ms after 172 ms.
    for (std::size_t i = 0; i < c.tokens.size(); ++i) {
        const std::int64_t us = 172'500 + 100 * static_cast<std::int64_t>(i);
        c.tokens[i].wall_us = kWallOrigin + us;
        c.tokens[i].steady_us = kSteadyOrigin + us;
    }
    renumber(c);
    const auto r = evaluate_check("stream.realtime", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 2u);
    EXPECT_EQ(r.evidence[0].expected, "lag p99 <= 50.0 ms");
    EXPECT_EQ(r.evidence[0].got, "lag p99 120.5 ms");
    EXPECT_EQ(r.evidence[0].token_index, 0u);
    const auto& span = r.evidence[1];
    EXPECT_EQ(span.call, kCall);
    EXPECT_EQ(span.expected, "client span >= 108.0 ms");
    EXPECT_EQ(span.got, "client span 0.6 ms");
    EXPECT_EQ(span.detail,
              "tokens batched: the mock emitted them over 120.0 ms, the client received them "
              "over 0.6 ms");
}

TEST(ChecksRealtime, FailsOnALateFirstToken) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    // The server called Ollama 400 ms after the request came: TTFT 451 ms for a 50 ms mock.
    c.sent_wall_us = wall(-398);
    c.sent_steady_us = steady(-398);
    const auto r = evaluate_check("stream.realtime", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.token_index, 0u);
    EXPECT_EQ(e.expected, "TTFT <= 300.0 ms");
    EXPECT_EQ(e.got, "TTFT 451.0 ms");
    EXPECT_EQ(e.detail,
              "the first token came too late: the mock's first-token delay 50.0 ms + tolerance "
              "250.0 ms");
}

TEST(ChecksRealtime, FailsOnAHighLagP99) {
    RunBuilder b;
    Generate g;
    g.relay_ms = 80;
    b.generate(g);
    const auto r = evaluate_check("stream.realtime", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.expected, "lag p99 <= 50.0 ms");
    EXPECT_EQ(e.got, "lag p99 80.0 ms");
    EXPECT_EQ(e.detail,
              "tokens reached the client late after the mock emitted them (max 80.0 ms at "
              "token 0)");
}

TEST(ChecksRealtime, ScaledTolerancesStopAtTheirFloors) {
    // At time_scale 0.01 the 50 ms lag tolerance would be 0.5 ms; the floor keeps it at 10 ms.
    RunBuilder b;
    b.record().time_scale = 0.01;
    Generate g;
    g.relay_ms = 5;
    b.generate(g);
    EXPECT_EQ(evaluate_check("stream.realtime", b.run()).status, Status::passed);

    RunBuilder late;
    late.record().time_scale = 0.01;
    g.relay_ms = 15;
    late.generate(g);
    const auto r = evaluate_check("stream.realtime", late.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).expected, "lag p99 <= 10.0 ms");
}

TEST(ChecksRealtime, SpanRuleNeedsAStreamOfTwentyMs) {
    // Emitted over 12 ms: the span sub-rule does not apply, batching or not.
    RunBuilder b;
    Generate g;
    g.gap_ms = 2;
    auto& c = b.generate(g).call;
    for (auto& t : c.tokens) t.steady_us = c.tokens.back().steady_us;
    EXPECT_EQ(evaluate_check("stream.realtime", b.run()).status, Status::passed);
}

TEST(ChecksFinalMatches, PassesWhenSummaryEqualsTrimmedStream) {
    RunBuilder b;
    Generate g;
    g.tokens = {"\n", "Stable", ", \"well\"", " ", "\n"};
    b.generate(g);
    const auto r = evaluate_check("stream.final_matches", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
}

TEST(ChecksFinalMatches, FailsWhenTheSummaryDiffersFromTheStream) {
    RunBuilder b;
    auto& c = b.generate({}).call;
    respond(
        c,
        result_response(
            "1", generated_text("Ada Lovelace", "P001", "Patient is stable, BP 120/90."), false),
        200);
    const auto r = evaluate_check("stream.final_matches", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 2u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, kCall);
    EXPECT_EQ(e.expected, "…\"t is stable, BP 120/80.\"");
    EXPECT_EQ(e.got, "…\"t is stable, BP 120/90.\"");
    EXPECT_EQ(e.detail,
              "the trimmed stream and the summary differ at byte 26 (expected 29 bytes, got "
              "29)");
    EXPECT_EQ(r.evidence[1].detail,
              "the mock's trimmed text and the summary differ at byte 26 (expected 29 bytes, "
              "got 29)");
}

TEST(ChecksFinalMatches, NonStreamingCallsCompareWithTheMockOnly) {
    RunBuilder b;
    Generate g;
    g.stream_upstream = false;
    b.generate(g);
    EXPECT_EQ(evaluate_check("stream.final_matches", b.run()).status, Status::passed);

    b.record().mock_requests[0].text = "Something else.";
    const auto r = evaluate_check("stream.final_matches", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    EXPECT_EQ(r.evidence[0].expected, "\"Something else.\"");
    EXPECT_EQ(r.evidence[0].got, "\"Patient is stable, BP 120/80.\"");
}

TEST(ChecksFinalMatches, FailsOnAResultThatIsNotASummary) {
    RunBuilder b;
    respond(b.generate({}).call, result_response("1", "Summary: fine", false), 200);
    const auto r = evaluate_check("stream.final_matches", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).got, "\"Summary: fine\"");
    EXPECT_EQ(first_evidence(r).detail, "the result text is not a generate_summary result");
}

}  // namespace
}  // namespace harness
