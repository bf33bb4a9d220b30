#include "core/csv_formulas.hpp"

#include "common/enum_names.hpp"

namespace core {

namespace {
// Data for common::EnumNames, the one machinery for spelled enum values; other enums have
// tables of the same shape (mock_ollama's text profiles in textgen.cpp, FileOp's names).
constexpr common::EnumNames<FormulaPolicy, 3> kPolicyNames{{
    {FormulaPolicy::keep, "keep"},
    {FormulaPolicy::escape, "escape"},
    {FormulaPolicy::refuse, "refuse"},
}};
constexpr auto kPolicySpellings = common::enum_spellings(kPolicyNames);
}  // namespace

std::optional<FormulaPolicy> parse_formula_policy(std::string_view name) {
    return common::parse_enum(kPolicyNames, name);
}

std::string_view to_string(FormulaPolicy policy) {
    return common::enum_name(kPolicyNames, policy);
}

std::span<const std::string_view> formula_policy_names() {
    return kPolicySpellings;
}

bool looks_like_formula(std::string_view text) {
    if (text.empty()) return false;
    // OWASP's list for CSV injection.
    const char c = text.front();
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

std::optional<std::string> apply_formula_policy(FormulaPolicy policy, std::string& summary) {
    if (policy == FormulaPolicy::keep || !looks_like_formula(summary)) return std::nullopt;
    if (policy == FormulaPolicy::escape) {
        summary.insert(0, 1, '\'');
        return std::nullopt;
    }
    return "the summary starts with '" +
           std::string(summary.front() == '\t'   ? "\\t"
                       : summary.front() == '\r' ? "\\r"
                                                 : summary.substr(0, 1)) +
           "', which a spreadsheet would run as a formula, and this server refuses such "
           "summaries (--csv-formulas refuse)";
}

}  // namespace core
