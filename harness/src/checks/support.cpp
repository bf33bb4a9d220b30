// What the checks share about steps: naming them in evidence, the preconditions of a covered
// call, and the order of a client's calls. The rest of the shared machinery is in tally.cpp
// (counting items), evidence_text.cpp (text in evidence) and saved_rows.cpp (the CSV rows).
#include <algorithm>

#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;
using reports::Status;

namespace {

std::int64_t ended_steady_us(const CallRecord& call) {
    if (call.response_steady_us != 0) return call.response_steady_us;
    if (call.failed_steady_us != 0) return call.failed_steady_us;
    return call.sent_steady_us;
}

// When the call was made: sent; else handed to a client that was not connected any more
// (queued, never sent); else failed before reaching the client (the connection had closed).
// A call never sent after a server closed the connection is the very call that shows it.
std::int64_t started_steady_us(const CallRecord& call) {
    if (call.sent_steady_us != 0) return call.sent_steady_us;
    if (call.queued_steady_us != 0) return call.queued_steady_us;
    return call.failed_steady_us;
}

}  // namespace

const Scenario& scenario_of(const ScenarioRun& run) {
    static const Scenario defaults;
    return run.scenario != nullptr ? *run.scenario : defaults;
}

std::string describe(const StepRecord& step) {
    std::string out = "client " + std::to_string(step.client);
    if (!step.path.empty()) out += " " + step.path;
    out += " ";
    out += to_string(step.kind);
    if (!step.patient_id.empty() && (step.kind == StepKind::generate ||
                                     step.kind == StepKind::get || step.kind == StepKind::update)) {
        out += " " + step.patient_id;
    }
    if (step.is_call && !step.call.id.empty()) out += " (id " + step.call.id + ")";
    return out;
}

std::string patient_name(const ScenarioRun& run, const StepRecord& step) {
    if (!step.patient_name.empty()) return step.patient_name;
    const auto it = run.patient_names.find(step.patient_id);
    return it == run.patient_names.end() ? std::string() : it->second;
}

const MockRequest* matched_mock(const ScenarioRun& run, const StepRecord& step) {
    if (!step.mock_request || *step.mock_request >= run.mock_requests.size()) return nullptr;
    return &run.mock_requests[*step.mock_request];
}

bool tokens_kept(const CallRecord& call) {
    return call.tokens.size() == call.token_count;
}

bool same_token_texts(const CallRecord& call, const MockRequest& mock) {
    return std::equal(
        call.tokens.begin(), call.tokens.end(), mock.tokens.begin(), mock.tokens.end(),
        [](const TokenArrival& got, const MockToken& want) { return got.text == want.text; });
}

Evidence tokens_not_kept(const StepRecord& step) {
    Evidence e;
    e.call = describe(step);
    e.detail = "the runner did not keep the token texts: the stream cannot be checked";
    return e;
}

Evidence difference_at(const StepRecord& step, const std::vector<std::string>& want,
                       const std::vector<std::string>& got, std::size_t i) {
    const auto token_or_end = [i](const std::vector<std::string>& texts) {
        return i < texts.size() ? quote(texts[i]) : std::string("(end of stream)");
    };
    Evidence e;
    e.call = describe(step);
    e.token_index = i;
    e.expected = token_or_end(want);
    e.got = token_or_end(got);
    return e;
}

std::optional<std::string> final_summary(const StepRecord& step) {
    if (!step.is_call || !step.call.ok()) return std::nullopt;
    return summary_from_result(step.call.result_text());
}

bool expected_ok_generate(const StepRecord& step) {
    return step.kind == StepKind::generate && step.expect == Expect::ok;
}

bool expected_ok_stream(const StepRecord& step) {
    return expected_ok_generate(step) && step.used_stream_upstream && !step.cancelled;
}

std::optional<Evidence> unusable(const ScenarioRun& run, const StepRecord& step, bool need_mock) {
    Evidence e;
    e.call = describe(step);
    if (!step.is_call) {
        e.detail = "call failed: the request was never sent";
        return e;
    }
    if (!step.call.ok()) {
        e.detail = "call failed: " + one_line(step.call.failure());
        return e;
    }
    if (need_mock && matched_mock(run, step) == nullptr) {
        e.detail = "no mock request matched (prompt with Name: " + patient_name(run, step) + ")";
        return e;
    }
    return std::nullopt;
}

// ---- ordering of a client's calls ----

const StepRecord* next_call(const ScenarioRun& run, const StepRecord& step) {
    const std::int64_t end = ended_steady_us(step.call);
    const StepRecord* best = nullptr;
    bool after_step = false;
    for (const auto& s : run.steps) {
        if (&s == &step) {
            after_step = true;
            continue;
        }
        if (s.client != step.client || !s.is_call) continue;
        // Without a send time for `step`, the record's order is all there is.
        const std::int64_t start = started_steady_us(s.call);
        const bool later = end != 0 ? start != 0 && start >= end : after_step;
        if (!later) continue;
        if (best == nullptr || start < started_steady_us(best->call)) best = &s;
    }
    return best;
}

Evidence stopped_serving(const StepRecord& next, const StepRecord& step, const std::string& what) {
    Evidence n;
    n.call = describe(next);
    n.expected = "an answer on the same connection";
    n.got = one_line(next.call.failure());
    n.detail =
        "the server stopped serving this connection after the " + what + " of " + describe(step);
    return n;
}

bool served(const StepRecord& step) {
    if (!step.is_call) return false;
    const CallRecord& c = step.call;
    switch (step.expect) {
        case Expect::ok:
            return c.ok();
        case Expect::tool_error:
        case Expect::protocol_error:
            return c.responded();
        case Expect::close:
            return c.responded() || step.close_code.has_value();
    }
    return false;
}

}  // namespace harness::checks
