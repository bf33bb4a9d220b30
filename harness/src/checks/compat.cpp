// The compat.* checks: the non-streaming path gives the same summary as the streaming one,
// and both stream forms (legacy stream_token frames, notifications/progress) work.
#include <algorithm>
#include <map>

#include "harness/checks.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;

CheckResult compat_non_streaming(const ScenarioRun& run) {
    struct Pair {
        std::vector<const StepRecord*> streaming, whole;
    };
    std::map<std::string, Pair> by_patient;
    for (const auto& step : run.steps) {
        if (!expected_ok_generate(step) || step.cancelled || step.patient_id.empty()) continue;
        auto& pair = by_patient[step.patient_id];
        (step.used_stream_upstream ? pair.streaming : pair.whole).push_back(&step);
    }
    Tally tally("patients");
    for (const auto& [id, pair] : by_patient) {
        if (pair.streaming.empty() || pair.whole.empty()) continue;
        std::vector<Evidence> problems;
        for (const auto* list : {&pair.streaming, &pair.whole}) {
            for (const auto* step : *list) {
                if (auto e = unusable(run, *step, false)) {
                    problems.push_back(std::move(*e));
                } else if (!final_summary(*step)) {
                    Evidence ev;
                    ev.call = describe(*step);
                    ev.got = quote(step->call.result_text());
                    ev.detail = "the result text is not a generate_summary result";
                    problems.push_back(std::move(ev));
                }
            }
        }
        if (!problems.empty()) {
            tally.fail(std::move(problems));
            continue;
        }
        // The reference: the first streaming call sent.
        const auto* reference = *std::min_element(
            pair.streaming.begin(), pair.streaming.end(), [](const auto* a, const auto* b) {
                return a->call.sent_steady_us < b->call.sent_steady_us;
            });
        const std::string expected = *final_summary(*reference);
        for (const auto* step : pair.whole) {
            const std::string got = *final_summary(*step);
            if (got == expected) continue;
            auto e = text_difference(
                describe(*step), expected, got,
                "the streaming summary (" + describe(*reference) + ") and the non-streaming one");
            problems.push_back(std::move(e));
        }
        tally.record(std::move(problems));
    }
    return tally.finish(
        "no patient has both a streaming and a non-streaming (stream_upstream: "
        "false) generate call that the scenario expected to succeed");
}

namespace {

// Prose for evidence, not an enum's name: a switch like mock_ollama's go_struct_of
// (generation.cpp), kept so that -Wswitch flags a form added without its text.
std::string_view frame_name(StreamForm form) {
    switch (form) {
        case StreamForm::legacy:
            return "a stream_token frame";
        case StreamForm::progress:
            return "a notifications/progress notification";
        case StreamForm::none:
            return "no token frame";
    }
    return "?";
}

}  // namespace

CheckResult compat_both_stream_forms(const ScenarioRun& run) {
    Tally tally("calls");
    if (run.transport != "ws") {
        // Never a pass: one of the two forms could not be tried at all.
        return tally.finish("not applicable over " + run.transport +
                            ": stream_token frames are a WebSocket extension, so the "
                            "scenario's legacy-form generate calls were sent with a "
                            "progressToken and only notifications/progress was exercised");
    }
    bool any = false, legacy = false, progress = false;
    for (const auto& step : run.steps) {
        if (!expected_ok_stream(step)) continue;
        if (step.used_form != StreamForm::legacy && step.used_form != StreamForm::progress)
            continue;
        any = true;
        bool& form_seen = step.used_form == StreamForm::legacy ? legacy : progress;
        if (auto e = unusable(run, step, true)) {
            form_seen = true;
            tally.fail(std::move(*e));
            continue;
        }
        const CallRecord& c = step.call;
        const MockRequest& mock = *matched_mock(run, step);
        // Nothing streamed either way: the call did not exercise its form.
        if (mock.tokens.empty() && c.token_count == 0) {
            tally.nothing_to_judge(step, "the mock emitted no token and none arrived");
            continue;
        }
        form_seen = true;
        if (!tokens_kept(c)) {
            tally.undecided(tokens_not_kept(step));
            continue;
        }
        auto problems = delivery_problems(step, mock);
        for (auto& e : order_problems(step, mock)) problems.push_back(std::move(e));
        for (std::size_t i = 0; i < c.tokens.size(); ++i) {
            if (c.tokens[i].form == step.used_form) continue;
            Evidence e;
            e.call = describe(step);
            e.token_index = i;
            e.expected = frame_name(step.used_form);
            e.got = frame_name(c.tokens[i].form);
            e.detail = step.used_form == StreamForm::progress
                           ? "the call carried a progressToken, the token came in another form"
                           : "the call carried no progressToken, the token came in another form";
            problems.push_back(std::move(e));
            break;
        }
        tally.record(std::move(problems));
    }
    // No call at all, or only calls that streamed nothing: no form was tried.
    if (!any || tally.total() == 0) {
        return tally.finish(
            any ? "" : "no streaming generate call that the scenario expected to succeed");
    }
    for (const auto& [present, form] :
         {std::pair{legacy, StreamForm::legacy}, std::pair{progress, StreamForm::progress}}) {
        if (present) continue;
        Evidence e;
        e.expected = std::string("a generate call streamed as ") + std::string(frame_name(form));
        e.got = "none in the run";
        e.detail = std::string("only one stream form was exercised: the scenario needs a ") +
                   (form == StreamForm::legacy ? "legacy (no progressToken)"
                                               : "progress (with a progressToken)") +
                   " generate call";
        tally.fail(std::move(e));
    }
    return tally.finish("");
}

}  // namespace harness::checks
