#include "harness/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "common/percentile.hpp"
#include "reports/call_figures.hpp"

namespace harness {

double percentile_sorted(const std::vector<double>& sorted, double q) {
    return common::nearest_rank(sorted, q);
}

Percentiles percentiles(std::vector<double> values) {
    Percentiles p;
    if (values.empty()) return p;
    std::sort(values.begin(), values.end());
    p.count = values.size();
    p.min = values.front();
    p.max = values.back();
    p.p50 = percentile_sorted(values, 0.50);
    p.p90 = percentile_sorted(values, 0.90);
    p.p99 = percentile_sorted(values, 0.99);
    p.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(p.count);
    return p;
}

namespace {

// A CallRecord's 0: not happened (steady and wall clocks are far from their origins).
std::optional<std::int64_t> known(std::int64_t us) {
    return us != 0 ? std::optional(us) : std::nullopt;
}

std::vector<std::int64_t> stamps(const std::vector<TokenArrival>& tokens,
                                 std::int64_t TokenArrival::*clock) {
    std::vector<std::int64_t> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) out.push_back(t.*clock);
    return out;
}

}  // namespace

// The figures as reports/call_figures.hpp defines them (merge derives them again from samples):
// steady clock for durations within this process, wall clock for the lag against the mock's.
CallMetrics call_metrics(const CallRecord& c, const std::vector<std::int64_t>& emitted_wall_us) {
    namespace f = reports::call_figures;
    CallMetrics m;
    m.tokens = c.token_count;
    const auto sent = known(c.sent_steady_us);
    m.ttft_ms = f::ttft_ms(sent, known(c.first_token_steady_us)).value_or(-1);
    const auto e2e = f::e2e_ms(sent, known(c.response_steady_us));
    m.e2e_ms = e2e.value_or(-1);
    m.tokens_per_s = f::tokens_per_s(c.token_count, e2e).value_or(0);
    const auto first = c.first_token_steady_us, last = c.last_token_steady_us;
    m.first_to_last_ms = f::stream_span_ms(c.token_count, first, last).value_or(0);
    m.stream_tokens_per_s = f::stream_tokens_per_s(c.token_count, first, last).value_or(0);
    m.itl_ms = f::itl_ms(stamps(c.tokens, &TokenArrival::steady_us));
    if (!emitted_wall_us.empty()) {
        m.lag_ms = f::relay_lag_ms(stamps(c.tokens, &TokenArrival::wall_us), emitted_wall_us);
    }
    return m;
}

std::string trim_ascii(std::string_view s) {
    constexpr std::string_view space = " \t\n\r\f\v";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(space);
    return std::string(s.substr(first, last - first + 1));
}

}  // namespace harness
