// scenario_metrics: the measurements of CHECKLIST.md, per scenario, over successful
// generate calls (per-call values from metrics.hpp, summarised with reports::summarize).
#include <algorithm>
#include <limits>

#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace harness {

std::vector<reports::Distribution> scenario_metrics(const ScenarioRun& run) {
    std::vector<double> ttft, itl, lag, e2e, per_stream;
    std::uint64_t tokens = 0;
    std::int64_t first_sent = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_arrival = 0;
    bool any = false;
    for (const auto& step : run.steps) {
        if (step.kind != StepKind::generate || !step.is_call || !step.call.ok()) continue;
        any = true;
        const CallRecord& c = step.call;
        const MockRequest* mock = checks::matched_mock(run, step);
        const CallMetrics m =
            call_metrics(c, mock != nullptr ? mock->emitted_us() : std::vector<std::int64_t>{});
        if (m.ttft_ms >= 0) ttft.push_back(m.ttft_ms);
        itl.insert(itl.end(), m.itl_ms.begin(), m.itl_ms.end());
        lag.insert(lag.end(), m.lag_ms.begin(), m.lag_ms.end());
        if (m.e2e_ms >= 0) e2e.push_back(m.e2e_ms);
        if (m.stream_tokens_per_s > 0) per_stream.push_back(m.stream_tokens_per_s);
        tokens += c.token_count;
        if (c.sent_steady_us != 0) first_sent = std::min(first_sent, c.sent_steady_us);
        const std::int64_t last = c.last_token_steady_us != 0 ? c.last_token_steady_us
                                  : c.tokens.empty()          ? 0
                                                              : c.tokens.back().steady_us;
        last_arrival = std::max(last_arrival, last);
    }
    if (!any) return {};
    std::vector<double> total;
    if (tokens > 0 && last_arrival > first_sent) {
        total.push_back(static_cast<double>(tokens) /
                        (static_cast<double>(last_arrival - first_sent) / 1e6));
    }
    return {
        reports::summarize("ttft", "ms", std::move(ttft)),
        reports::summarize("itl", "ms", std::move(itl)),
        reports::summarize("relay_lag", "ms", std::move(lag)),
        reports::summarize("e2e", "ms", std::move(e2e)),
        reports::summarize("tokens_per_s_stream", "tokens/s", std::move(per_stream)),
        reports::summarize("tokens_per_s_total", "tokens/s", std::move(total)),
    };
}

}  // namespace harness
