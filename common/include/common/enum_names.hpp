#pragma once
// One table per enum of its spelled names (command-line and config values such as a text
// profile or a CSV formula policy), so parsing a name and naming a value cannot disagree.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace common {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The value spelled `name` exactly (case-sensitive), nullopt for any other text.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parse_enum(const EnumNames<Enum, N>& names, std::string_view name) {
    for (const auto& [value, spelled] : names) {
        if (spelled == name) return value;
    }
    return std::nullopt;
}

// The name of `value`; the table's first name for a value it does not list.
template <typename Enum, std::size_t N>
constexpr std::string_view enum_name(const EnumNames<Enum, N>& names, Enum value) {
    static_assert(N > 0, "an enum name table needs at least one name");
    for (const auto& [v, spelled] : names) {
        if (v == value) return spelled;
    }
    return names.front().second;
}

// The names alone, in the table's order: what a "valid: …" message or a list of choices shows.
template <typename Enum, std::size_t N>
constexpr std::array<std::string_view, N> enum_spellings(const EnumNames<Enum, N>& names) {
    std::array<std::string_view, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = names[i].second;
    return out;
}

// "a, b, c": the choices in a "valid: …" message (any range of strings or string views).
template <typename Names>
std::string spelled_list(const Names& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

}  // namespace common
