#include "reports/call_figures.hpp"

#include <algorithm>

namespace reports::call_figures {

namespace {

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

}  // namespace

std::optional<double> ttft_ms(Instant sent_us, Instant first_arrival_us) {
    if (!sent_us || !first_arrival_us) return std::nullopt;
    return ms(*first_arrival_us - *sent_us);
}

std::optional<double> e2e_ms(Instant sent_us, Instant response_us) {
    if (!sent_us || !response_us) return std::nullopt;
    return ms(*response_us - *sent_us);
}

std::optional<double> tokens_per_s(std::uint64_t tokens, std::optional<double> e2e_ms) {
    if (!e2e_ms || !(*e2e_ms > 0)) return std::nullopt;
    return static_cast<double>(tokens) / (*e2e_ms / 1000);
}

std::optional<double> stream_span_ms(std::uint64_t tokens, std::int64_t first_arrival_us,
                                     std::int64_t last_arrival_us) {
    if (tokens < 2 || last_arrival_us <= first_arrival_us) return std::nullopt;
    return ms(last_arrival_us - first_arrival_us);
}

std::optional<double> stream_tokens_per_s(std::uint64_t tokens, std::int64_t first_arrival_us,
                                          std::int64_t last_arrival_us) {
    const auto span = stream_span_ms(tokens, first_arrival_us, last_arrival_us);
    if (!span) return std::nullopt;
    return static_cast<double>(tokens - 1) / (*span / 1000);
}

std::vector<double> itl_ms(std::span<const std::int64_t> arrived_us) {
    std::vector<double> out;
    if (arrived_us.size() < 2) return out;
    out.reserve(arrived_us.size() - 1);
    for (std::size_t i = 1; i < arrived_us.size(); ++i) {
        out.push_back(ms(arrived_us[i] - arrived_us[i - 1]));
    }
    return out;
}

std::vector<double> relay_lag_ms(std::span<const std::int64_t> arrived_us,
                                 std::span<const std::int64_t> emitted_us) {
    const std::size_t n = std::min(arrived_us.size(), emitted_us.size());
    std::vector<double> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(ms(arrived_us[i] - emitted_us[i]));
    return out;
}

}  // namespace reports::call_figures
