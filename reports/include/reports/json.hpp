#pragma once
// report.json: the whole RunReport, machine-readable, with stable snake_case field names and
// "schema_version": 2 (each metric carries its histogram; schema 1, without them, is still
// read, with empty histograms). to_json then from_json gives back an equal RunReport (non-finite
// numbers, written as null, come back as NaN). A derived "summary" object (counts,
// all_passed, exit_code) is written for scripts and ignored when reading.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace reports {

inline constexpr int kSchemaVersion = 2;

nlohmann::json to_json(const RunReport& report);

// Throws std::invalid_argument naming the missing or mistyped field by its path, e.g.
// "report.json: scenarios[0].checks[2].status: expected a string". Unknown fields are ignored.
RunReport from_json(const nlohmann::json& j);

// report.json text: 2-space indent, invalid UTF-8 in strings replaced by U+FFFD (a server
// under test may send broken UTF-8; the report must still be written).
std::string render_json(const RunReport& report);

// Parses report.json text; malformed JSON also throws std::invalid_argument.
RunReport parse_json(std::string_view text);

}  // namespace reports
