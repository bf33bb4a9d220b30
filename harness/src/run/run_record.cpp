#include "harness/run_record.hpp"

#include <string_view>

namespace harness {

std::optional<std::string> summary_from_result(const std::string& text) {
    constexpr std::string_view prefix = "Generated Summary for ";
    constexpr std::string_view id_marker = " (ID: ";
    constexpr std::string_view header_end = "):\n\n";
    if (text.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    // The header ends at the first "):\n\n" that follows " (ID: "; a name never holds a line
    // break, so the summary (which may hold anything) cannot be mistaken for the header.
    const auto id_at = text.find(id_marker, prefix.size());
    if (id_at == std::string::npos) return std::nullopt;
    const auto end = text.find(header_end, id_at + id_marker.size());
    if (end == std::string::npos) return std::nullopt;
    const std::string_view header(text.data(), end);
    if (header.find('\n') != std::string_view::npos) return std::nullopt;
    return text.substr(end + header_end.size());
}

}  // namespace harness
