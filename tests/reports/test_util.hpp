#pragma once
// Line helpers for the text-output tests.
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace reports_test {

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The first line starting with `prefix`, or "" when none does.
inline std::string line_starting(const std::string& text, std::string_view prefix) {
    for (const auto& l : lines(text)) {
        if (l.starts_with(prefix)) return l;
    }
    return {};
}

// Index of the first line containing `needle`, or -1.
inline int line_index(const std::string& text, std::string_view needle) {
    const auto ls = lines(text);
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (ls[i].find(needle) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace reports_test
