#pragma once
// nlohmann holds a JSON integer as signed or unsigned (non-negative text reads as unsigned):
// whether it is one that fits an int64_t, the type the readers of report.json and
// samples.jsonl keep integers in.
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

namespace reports {

inline bool fits_int64(const nlohmann::json& v) {
    return v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()});
}

}  // namespace reports
