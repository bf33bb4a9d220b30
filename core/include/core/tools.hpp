#pragma once
// The four patient tools of the original tutorial server, as pure functions over the patient
// data: schemas, argument checks, search and the exact result texts clients parse. The
// session does the I/O (Ollama, summary store) and calls these.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/jsonrpc.hpp"
#include "core/patients.hpp"

namespace core {

// Names are part of the wire contract: clients of the original server call them.
inline constexpr std::string_view tool_search_patients = "search_patients_by_disease";
inline constexpr std::string_view tool_get_summary = "get_patient_summary";
inline constexpr std::string_view tool_generate_summary = "generate_summary";
inline constexpr std::string_view tool_update_summary = "update_patient_summary";

// The MCP tools/list result: {"tools":[{"name","description","inputSchema"}, ...]}.
nlohmann::json tools_list();

bool is_known_tool(std::string_view tool);

// Checks tools/call arguments against the tool's schema (null or absent means {}); unknown
// extra arguments are ignored, as the original server did. nullopt when valid, else
// invalid_params: "Unknown tool: X", "Missing required argument 'patient_id' for tool
// 'get_patient_summary'", "Argument 'save' of tool 'generate_summary' must be a boolean,
// got a string", "Arguments of tool 'X' must be an object, got an array".
std::optional<RpcError> validate_arguments(std::string_view tool, const nlohmann::json& arguments);

// {"content":[{"type":"text","text":text}],"isError":is_error}
nlohmann::json text_result(std::string text, bool is_error = false);

// --- search_patients_by_disease -------------------------------------------------------------
//
// Ranking: the keyword and each field are lower-cased, Latin accents folded (é -> e, ß -> ss)
// and white space collapsed; a keyword without any letter or digit matches nothing. In each
// field the best occurrence counts: 3 for a whole word (or phrase), 2 for the start of a word,
// 1 inside a word. Field weights are current_symptoms 8, medical_history 4,
// current_medications 2, visit reasons/notes 1, so a field outranks all lighter fields at
// the same quality combined. score = sum of weight x quality; higher first, ties by patient
// id ascending (digit runs compared as numbers: 2 < 10, P2 < P10).

struct SearchHit {
    const Patient* patient = nullptr;
    int score = 0;
};

inline constexpr std::size_t search_limit = 5;

// At most `limit` matching patients (score > 0), best first.
std::vector<SearchHit> rank_patients(const PatientIndex& patients, std::string_view keyword,
                                     std::size_t limit = search_limit);

// "Found N patients matching 'KW':\n\n1. ID: 25 | Name: ... | Age: 54 | Symptoms: <first 40
// code points of current_symptoms>" with one line per hit (at most 5, lines joined by "\n",
// no trailing newline; N is the number listed, always "patients"), or
// "No patients found matching 'KW'. Try another symptom or condition." KW is echoed as given.
std::string search_patients(const PatientIndex& patients, std::string_view keyword);

// --- result texts ----------------------------------------------------------------------------

// "Patient ID: X\nName: Y\n\nSummary:\n<summary>", or when the summary is empty (or only
// white space) "Patient ID: X\nName: Y\n\nStatus: No summary yet. Use generate_summary to
// create one."
std::string patient_summary_text(const Patient& patient, const std::string& summary);

// "Generated Summary for <name> (ID: <id>):\n\n<summary>"
std::string generated_summary_text(const Patient& patient, std::string_view summary);

// "✓ Summary for Patient ID X (<name>) has been saved.\n\nSummary (N characters):\n<summary>"
// with N in Unicode code points, as Python's len().
std::string updated_summary_text(const Patient& patient, std::string_view summary);

// "Patient not found: <id>"
std::string patient_not_found_text(std::string_view patient_id);

// --- generation ------------------------------------------------------------------------------

// The prompt for Ollama: one instruction line, then one "Key: value" line each for Name, Age,
// Gender, Current symptoms, Blood pressure, Blood sugar, Risk score, Medical history, Current
// medications and Recent visits ("date: reason; ..." for the last 5 visits). Line breaks
// inside values become spaces so that no value can forge another key.
std::string summary_prompt(const Patient& patient);

// Strips leading and trailing ASCII white space (space, \t, \n, \r, \f, \v) only.
std::string trim_summary(std::string_view summary);

}  // namespace core
