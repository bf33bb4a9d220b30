#pragma once
// What the server does with a summary that a spreadsheet would run as a formula (CSV
// injection: a cell starting with = + - @, a tab or a carriage return). The CSV file itself
// is correct either way; the danger is in opening it with a spreadsheet.
//
//   keep    store the text exactly (the default: the original server did, its clients read
//           back what they wrote, and generated summaries often start with "- ")
//   escape  store it with a leading apostrophe, which spreadsheets show as text; clients
//           then read back the apostrophe too
//   refuse  do not store it: the call fails with a clear message, nothing is saved
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace core {

enum class FormulaPolicy { keep, escape, refuse };

std::optional<FormulaPolicy> parse_formula_policy(std::string_view name);
std::string_view to_string(FormulaPolicy policy);
// Every policy's name: the choices of --csv-formulas.
std::span<const std::string_view> formula_policy_names();

// True when a spreadsheet would take `text` as a formula.
bool looks_like_formula(std::string_view text);

// Applies `policy` to a summary about to be saved: nullopt when it may be saved (escaped in
// place under `escape`), else why it is refused.
std::optional<std::string> apply_formula_policy(FormulaPolicy policy, std::string& summary);

}  // namespace core
