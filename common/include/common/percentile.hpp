#pragma once
// The one percentile rule of every report, check and benchmark: nearest rank, the smallest
// value with at least q of the values at or below it (rank ceil(q * n), 1-based). q is taken
// in millionths and the rank computed in integers, so that exact ranks (q = 0.9, n = 10 ->
// rank 9) are never pushed up by floating-point rounding.
#include <cstddef>
#include <vector>

namespace common {

// `sorted` ascending; q clamped to [0, 1] (NaN as 0; rounded to 1e-6); 0 when `sorted` is empty.
double nearest_rank(const std::vector<double>& sorted, double q);
// The same rank as a 0-based index into n values (n > 0), for a caller that selects the
// value (std::nth_element) instead of sorting them all.
std::size_t nearest_rank_index(std::size_t n, double q);

}  // namespace common
