#include "common/percentile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace common {

std::size_t nearest_rank_index(std::size_t n, double q) {
    constexpr std::uint64_t kMillion = 1'000'000;
    const double clamped = q > 0 ? std::min(q, 1.0) : 0.0;  // NaN counts as 0
    const auto millionths = static_cast<std::uint64_t>(std::llround(clamped * 1e6));
    const std::uint64_t rank = std::clamp<std::uint64_t>((millionths * n + kMillion - 1) / kMillion,
                                                         1, static_cast<std::uint64_t>(n));
    return static_cast<std::size_t>(rank - 1);
}

double nearest_rank(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    return sorted[nearest_rank_index(sorted.size(), q)];
}

}  // namespace common
