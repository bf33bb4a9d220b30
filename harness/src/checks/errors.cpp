// errors.clear: every step the scenario expected to fail got that outcome with a clear,
// specific message; the server kept serving the connection; nothing partial was saved.
#include "harness/checks.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;

namespace {

// The problem with a step expected to end in a tool error, or an empty detail.
void judge_tool_error(const StepRecord& step, Evidence& e) {
    const CallRecord& c = step.call;
    e.expected = "a tool error (isError) with a one-line message";
    if (!step.expect_text.empty()) e.expected += " containing " + quote(step.expect_text);
    if (!c.responded()) {
        e.got = "no response";
        e.detail = "call failed: " + one_line(c.failure());
    } else if (c.response.contains("error")) {
        e.got = "JSON-RPC error " + c.response["error"].dump();
        e.detail = "a protocol error instead of a tool result with isError: true";
    } else if (c.ok()) {
        e.got = "a successful result " + quote(c.result_text());
        e.detail = "the call succeeded";
    } else {
        const std::string text = c.result_text();
        e.got = quote(text, 120);
        if (text.empty()) {
            e.detail = "the tool error has no message";
        } else if (text.find_first_of("\r\n") != std::string::npos) {
            e.detail = "the tool error message is not one line";
        } else if (!step.expect_text.empty() && text.find(step.expect_text) == std::string::npos) {
            e.detail = "the tool error message does not say " + quote(step.expect_text);
        }
    }
}

void judge_protocol_error(const StepRecord& step, Evidence& e) {
    const CallRecord& c = step.call;
    e.expected = "a JSON-RPC error";
    if (step.expect_code) e.expected += " " + std::to_string(*step.expect_code);
    e.expected += " with a message";
    if (!step.expect_text.empty()) e.expected += " containing " + quote(step.expect_text);
    if (!c.responded()) {
        e.got = "no response";
        e.detail = "call failed: " + one_line(c.failure());
        return;
    }
    const auto error = c.response.find("error");
    if (error == c.response.end() || !error->is_object()) {
        e.got = c.ok() ? "a successful result" : "a tool error " + quote(c.result_text());
        e.detail = "no JSON-RPC error";
        return;
    }
    e.got = "JSON-RPC error " + error->dump();
    const auto code = error->find("code");
    const auto message = error->find("message");
    const bool has_code = code != error->end() && code->is_number_integer();
    const std::string text =
        message != error->end() && message->is_string() ? message->get<std::string>() : "";
    if (!has_code) {
        e.detail = "the error has no integer code";
    } else if (step.expect_code && code->get<long long>() != *step.expect_code) {
        e.expected = "code " + std::to_string(*step.expect_code);
        e.got = "code " + std::to_string(code->get<long long>()) + " " + quote(text);
        e.detail = "the wrong JSON-RPC error code";
    } else if (text.empty()) {
        e.detail = "the error has no message";
    } else if (!step.expect_text.empty() && text.find(step.expect_text) == std::string::npos) {
        e.detail = "the error message does not say " + quote(step.expect_text);
    }
}

void judge_close(const StepRecord& step, Evidence& e) {
    e.expected = "a close";
    if (step.expect_code) e.expected += " with code " + std::to_string(*step.expect_code);
    e.expected += " and a reason";
    if (!step.close_code) {
        e.got = step.call.responded() ? "a response, and no close" : "no close";
        e.detail = "the connection was not closed";
    } else if (step.expect_code && *step.close_code != *step.expect_code) {
        e.got = "close " + std::to_string(*step.close_code) + " " + quote(step.close_reason);
        e.detail = "the wrong close code";
    } else if (step.close_reason.empty()) {
        e.got = "close " + std::to_string(*step.close_code) + " without a reason";
        e.detail = "the close frame gives no reason";
    }
}

// Off WebSocket there is no close frame: a message over the server's limit must be refused
// with an error (http: 413; stdio: a JSON-RPC error) and the connection goes on.
void judge_refusal(const StepRecord& step, Evidence& e) {
    e.expected = "an error refusing the oversized message";
    if (step.call.response.is_object() && step.call.response.contains("error")) return;
    if (step.call.error.find("HTTP 413") != std::string::npos) return;
    e.got = !step.call.error.empty() ? quote(step.call.error)
            : step.call.responded()  ? "a response without an error"
                                     : "no answer";
    e.detail = "the oversized message was not refused";
}

}  // namespace

CheckResult errors_clear(const ScenarioRun& run) {
    Tally tally("steps");
    for (const auto& step : run.steps) {
        if (step.expect == Expect::ok) continue;
        const bool close_expected = step.expect == Expect::close && run.transport == "ws";
        std::vector<Evidence> problems;
        Evidence e;
        e.call = describe(step);
        switch (step.expect) {
            case Expect::tool_error:
                judge_tool_error(step, e);
                break;
            case Expect::protocol_error:
                judge_protocol_error(step, e);
                break;
            case Expect::close:
                if (close_expected) {
                    judge_close(step, e);
                } else {
                    judge_refusal(step, e);
                }
                break;
            case Expect::ok:
                break;
        }
        if (!e.detail.empty()) problems.push_back(std::move(e));
        // The server keeps serving the connection, unless closing it was the point.
        if (!close_expected) {
            if (const auto* next = next_call(run, step); next != nullptr && !served(*next))
                problems.push_back(stopped_serving(*next, step, "error"));
        }
        // Nothing partial saved.
        if (step.kind == StepKind::generate && step.save) {
            if (auto saved = unchanged_row_problem(run, step))
                problems.push_back(std::move(*saved));
        }
        tally.record(std::move(problems));
    }
    return tally.finish("no step expected an error (tool_error, protocol_error or close)");
}

}  // namespace harness::checks
