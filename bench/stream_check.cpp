#include "stream_check.hpp"

#include <utility>

#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace bench {

namespace checks = harness::checks;

harness::StepRecord generate_step(std::size_t client, harness::CallRecord call, bool progress) {
    harness::StepRecord step;
    step.client = client;
    step.kind = harness::StepKind::generate;
    step.expect = harness::Expect::ok;
    step.used_form = progress ? harness::StreamForm::progress : harness::StreamForm::legacy;
    step.used_stream_upstream = true;
    step.is_call = true;
    step.call = std::move(call);
    return step;
}

std::string stream_problem(const harness::StepRecord& step, const harness::MockRequest& mock) {
    const harness::CallRecord& call = step.call;
    if (!call.ok()) return "no response: " + checks::one_line(call.failure());
    if (!checks::tokens_kept(call)) return "tokens were not kept for this call: cannot check it";
    for (auto* rule : {&checks::delivery_problems, &checks::order_problems}) {
        const auto problems = rule(step, mock);
        if (!problems.empty())
            return checks::evidence_line(problems.front(), checks::EvidenceLine::bench);
    }
    const auto summary = checks::final_summary(step);
    if (!summary) return "the result is not a generate_summary result";
    const std::string streamed = harness::trim_ascii(call.streamed_text());
    if (*summary != streamed) {
        return checks::evidence_line(
            checks::text_difference(checks::describe(step), streamed, *summary,
                                    "the trimmed stream and the summary"),
            checks::EvidenceLine::bench);
    }
    return {};
}

}  // namespace bench
