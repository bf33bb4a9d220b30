// errors.clear: the expected error, clearly; the server keeps serving; nothing partial saved.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

// Three expected errors on client 0, each followed by a ping: a tool error (unknown patient),
// a protocol error (unknown tool), and an oversized message that closes the connection.
RunBuilder three_errors() {
    RunBuilder b;
    auto& unknown = b.call(StepKind::generate, 0, "steps[0]", "1", 0,
                           result_response("1", "Patient P999 not found", true));
    unknown.patient_id = "P999";
    unknown.expect = Expect::tool_error;
    unknown.expect_text = "not found";
    b.ping(0, "steps[1]", "2", 10);
    auto& tool = b.call(StepKind::raw, 0, "steps[2]", "3", 20,
                        error_response("3", -32602, "Unknown tool: nope"));
    tool.expect = Expect::protocol_error;
    tool.expect_code = -32602;
    b.ping(0, "steps[3]", "4", 30);
    auto& big = b.call(StepKind::oversized, 0, "steps[4]", "5", 40, nullptr);
    big.call.response_steady_us = 0;
    big.expect = Expect::close;
    big.expect_code = 1009;
    big.close_code = 1009;
    big.close_reason = "message too big";
    big.closed_wall_us = wall(41);
    return b;
}

TEST(ChecksErrorsClear, PassesOnClearErrorsAndALiveServer) {
    RunBuilder b = three_errors();
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 3u);
    EXPECT_EQ(r.item_unit, "steps");
}

TEST(ChecksErrorsClear, FailsOnAMultiLineToolError) {
    RunBuilder b = three_errors();
    respond(b.record().steps[0].call,
            result_response("1", "Error:\nPatient P999 not found\n  at lookup()", true), 5);
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[0] generate P999 (id 1)");
    EXPECT_EQ(e.expected,
              "a tool error (isError) with a one-line message containing \"not found\"");
    EXPECT_EQ(e.got, "\"Error:\\nPatient P999 not found\\n  at lookup()\"");
    EXPECT_EQ(e.detail, "the tool error message is not one line");
}

TEST(ChecksErrorsClear, FailsOnAToolErrorThatDoesNotSayWhat) {
    RunBuilder b = three_errors();
    respond(b.record().steps[0].call, result_response("1", "Something went wrong", true), 5);
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail, "the tool error message does not say \"not found\"");
}

TEST(ChecksErrorsClear, FailsOnAProtocolErrorWithTheWrongCode) {
    RunBuilder b = three_errors();
    respond(b.record().steps[2].call, error_response("3", -32600, "Invalid Request"), 25);
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[2] raw (id 3)");
    EXPECT_EQ(e.expected, "code -32602");
    EXPECT_EQ(e.got, "code -32600 \"Invalid Request\"");
    EXPECT_EQ(e.detail, "the wrong JSON-RPC error code");
}

TEST(ChecksErrorsClear, FailsWhenTheServerStopsAnsweringAfterAnError) {
    RunBuilder b = three_errors();
    fail_transport(b.record().steps[3].call, "no response within 5 s", 5030);
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[3] ping (id 4)");
    EXPECT_EQ(e.expected, "an answer on the same connection");
    EXPECT_EQ(e.got, "no response within 5 s");
    EXPECT_EQ(e.detail,
              "the server stopped serving this connection after the error of client 0 steps[2] "
              "raw (id 3)");
}

TEST(ChecksErrorsClear, FailsWhenTheConnectionIsNotClosed) {
    RunBuilder b = three_errors();
    auto& big = b.record().steps[4];
    big.close_code.reset();
    respond(big.call, error_response("5", -32600, "too big"), 45);
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.expected, "a close with code 1009 and a reason");
    EXPECT_EQ(e.got, "a response, and no close");
    EXPECT_EQ(e.detail, "the connection was not closed");
}

// Close codes are WebSocket frames: over http and stdio an oversized message must be refused
// with an error instead (stdio: a JSON-RPC error; http: 413), and the connection goes on.
TEST(ChecksErrorsClear, OffWebSocketAnOversizedMessageMustBeRefusedWithAnError) {
    RunBuilder b = three_errors();
    auto& big = b.record().steps[4];
    big.close_code.reset();
    respond(big.call, error_response("5", -32600, "too big"), 45);
    b.record().transport = "stdio";
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 3u);

    // http: the refusal is the client's record of a 413.
    big.call.response = nullptr;
    big.call.error = "send: HTTP 413 Payload Too Large: Request body larger than 65536 bytes";
    b.record().transport = "http";
    EXPECT_EQ(evaluate_check("errors.clear", b.run()).status, Status::passed);

    // Neither: not refused.
    big.call.error.clear();
    respond(big.call,
            nlohmann::json{{"jsonrpc", "2.0"}, {"id", "5"}, {"result", nlohmann::json::object()}},
            45);
    const auto bad = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(bad.status, Status::failed);
    EXPECT_EQ(first_evidence(bad).detail, "the oversized message was not refused");
}

TEST(ChecksErrorsClear, FailsWhenAFailedGenerationSavedItsPartialStream) {
    RunBuilder b;
    Generate g;
    g.tokens = {"Patient", " is"};
    g.save = true;
    auto& s = b.generate(g);
    s.fault = "error:after=2";
    s.expect = Expect::tool_error;
    respond(s.call, result_response("1", "Ollama error: upstream failed", true), 120);
    RunBuilder::set_summary(b.after, "P001", "Patient is");
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::failed);
    const auto& e = first_evidence(r);
    EXPECT_EQ(e.call, "client 0 steps[0] generate P001 (id 1)");
    EXPECT_EQ(e.detail,
              "the call failed but patient P001's row changed: the partial stream was saved "
              "(10 chars)");
}

TEST(ChecksErrorsClear, SkippedWithoutExpectedErrors) {
    RunBuilder b;
    b.generate({});
    const auto r = evaluate_check("errors.clear", b.run());
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.message, "no step expected an error (tool_error, protocol_error or close)");
}

}  // namespace
}  // namespace harness
