#pragma once
// Failures counted by why, as one line: the load client's and the fleet's error_summary().
#include <cstddef>
#include <map>
#include <string>

namespace bench {

// "3 x read: Connection reset by peer; 1 x connect: refused" (empty when nothing failed).
inline std::string counted_errors_text(const std::map<std::string, std::size_t>& errors) {
    std::string out;
    for (const auto& [why, n] : errors) {
        if (!out.empty()) out += "; ";
        out += std::to_string(n) + " x " + why;
    }
    return out;
}

}  // namespace bench
