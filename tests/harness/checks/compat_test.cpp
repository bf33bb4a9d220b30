// compat.*: the non-streaming path and both stream forms.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

Generate second_call(StreamForm form, bool stream_upstream) {
    Generate g;
    g.path = "steps[1]";
    g.call_id = "2";
    g.sent_ms = 500;
    g.form = form;
    g.stream_upstream = stream_upstream;
    return g;
}

TEST(ChecksNonStreaming, PassesWhenBothPathsGiveTheSameSummary) {
    RunBuilder b;
    b.generate({});
    b.generate(second_call(StreamForm::legacy, false));
    const auto r = evaluate_check("compat.non_streaming", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 1u);
    EXPECT_EQ(r.item_unit, "patients");
}

TEST(ChecksNonStreaming, FailsWhenTheNonStreamingTextDiffers) {
    RunBuilder b;
    b.generate({});
    auto& whole = b.generate(second_call(StreamForm::legacy, false));
    respond(
        whole.call,
        result_response("2", generated_text("Ada Lovelace", "P001", "Patient is stable."), false),
        700);
    const auto r = evaluate_check("compat.non_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[1] generate P001 (id 2)");
    EXPECT_EQ(e.expected, "\"Patient is stable, BP 120/80.\"");
    EXPECT_EQ(e.got, "\"Patient is stable.\"");
    EXPECT_EQ(e.detail,
              "the streaming summary (client 0 steps[0] generate P001 (id 1)) and the "
              "non-streaming one differ at byte 17 (expected 29 bytes, got 18)");
}

TEST(ChecksNonStreaming, AFailedNonStreamingCallIsAFailedItem) {
    RunBuilder b;
    b.generate({});
    auto& whole = b.generate(second_call(StreamForm::legacy, false));
    respond(whole.call, error_response("2", -32603, "internal error"), 700);
    const auto r = evaluate_check("compat.non_streaming", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail,
              R"(call failed: {"code":-32603,"message":"internal error"})");
}

TEST(ChecksNonStreaming, SkippedWithoutAPair) {
    RunBuilder b;
    b.generate({});
    Generate other = second_call(StreamForm::legacy, false);
    other.patient_id = "P002";
    other.patient_name = "Alan Turing";
    b.generate(other);
    const auto r = evaluate_check("compat.non_streaming", b.run());
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.message,
              "no patient has both a streaming and a non-streaming (stream_upstream: false) "
              "generate call that the scenario expected to succeed");
}

TEST(ChecksBothStreamForms, PassesWhenBothFormsDeliverTheStream) {
    RunBuilder b;
    b.generate({});
    b.generate(second_call(StreamForm::progress, true));
    const auto r = evaluate_check("compat.both_stream_forms", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 2u);
}

// Over http and stdio the runner sends legacy-form steps with a progressToken: a run with
// both forms perfectly delivered is still not a pass there, only "not applicable".
TEST(ChecksBothStreamForms, IsNotApplicableOffWebSocket) {
    for (const std::string transport : {"http", "stdio"}) {
        RunBuilder b;
        b.generate({});
        b.generate(second_call(StreamForm::progress, true));
        b.record().transport = transport;
        const auto r = evaluate_check("compat.both_stream_forms", b.run());
        EXPECT_EQ(r.status, Status::skipped) << transport;
        EXPECT_EQ(r.message, "not applicable over " + transport +
                                 ": stream_token frames are a WebSocket extension, so the "
                                 "scenario's legacy-form generate calls were sent with a "
                                 "progressToken and only notifications/progress was exercised");
    }
}

TEST(ChecksBothStreamForms, FailsWhenOnlyOneFormIsPresent) {
    RunBuilder b;
    b.generate({});
    b.generate(second_call(StreamForm::legacy, true));
    const auto r = evaluate_check("compat.both_stream_forms", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(r.passed_items, 2u);
    EXPECT_EQ(r.total_items, 3u);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.expected, "a generate call streamed as a notifications/progress notification");
    EXPECT_EQ(e.got, "none in the run");
    EXPECT_EQ(e.detail,
              "only one stream form was exercised: the scenario needs a progress (with a "
              "progressToken) generate call");
}

TEST(ChecksBothStreamForms, FailsWhenAFormLosesTokensOrOrder) {
    RunBuilder b;
    b.generate({});
    auto& c = b.generate(second_call(StreamForm::progress, true)).call;
    c.tokens.pop_back();
    renumber(c);
    const auto r = evaluate_check("compat.both_stream_forms", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).call, "client 0 steps[1] generate P001 (id 2)");
    EXPECT_EQ(first_evidence(r).detail,
              "the mock emitted 7 tokens, the client received 6: 1 missing, 0 extra; first "
              "difference at token 6");
}

TEST(ChecksBothStreamForms, FailsWhenAProgressCallGetsLegacyFrames) {
    RunBuilder b;
    b.generate({});
    auto& c = b.generate(second_call(StreamForm::progress, true)).call;
    for (auto& t : c.tokens) t.form = StreamForm::legacy;
    renumber(c);
    const auto r = evaluate_check("compat.both_stream_forms", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.token_index, 0u);
    EXPECT_EQ(e.expected, "a notifications/progress notification");
    EXPECT_EQ(e.got, "a stream_token frame");
}

}  // namespace
}  // namespace harness
