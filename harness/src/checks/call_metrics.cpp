#include "harness/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/percentile.hpp"

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

CallMetrics call_metrics(const CallRecord& c, const std::vector<std::int64_t>& emitted_wall_us) {
    CallMetrics m;
    m.tokens = c.token_count;
    const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    if (c.sent_steady_us != 0 && c.first_token_steady_us != 0) {
        m.ttft_ms = ms(c.first_token_steady_us - c.sent_steady_us);
    }
    if (c.sent_steady_us != 0 && c.responded()) {
        m.e2e_ms = ms(c.response_steady_us - c.sent_steady_us);
        if (m.e2e_ms > 0) m.tokens_per_s = static_cast<double>(c.token_count) / (m.e2e_ms / 1000);
    }
    if (c.token_count >= 2 && c.last_token_steady_us > c.first_token_steady_us) {
        m.first_to_last_ms = ms(c.last_token_steady_us - c.first_token_steady_us);
        m.stream_tokens_per_s =
            static_cast<double>(c.token_count - 1) / (m.first_to_last_ms / 1000);
    }
    if (c.tokens.size() >= 2) {
        m.itl_ms.reserve(c.tokens.size() - 1);
        for (std::size_t i = 1; i < c.tokens.size(); ++i) {
            m.itl_ms.push_back(ms(c.tokens[i].steady_us - c.tokens[i - 1].steady_us));
        }
    }
    const std::size_t n = std::min(c.tokens.size(), emitted_wall_us.size());
    m.lag_ms.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        m.lag_ms.push_back(ms(c.tokens[i].wall_us - emitted_wall_us[i]));
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
