#include "core/tools.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "common/utf8.hpp"

namespace core {

namespace {

using json = nlohmann::json;

enum class ArgType { string, boolean };

struct ArgSpec {
    std::string_view name;
    ArgType type = ArgType::string;
    bool required = true;
    std::string_view description;
    bool default_true = false;  // an optional boolean's default
};

struct ToolSpec {
    std::string_view name;
    std::string_view title;
    std::string_view description;
    std::vector<ArgSpec> args;
    bool read_only = true;
    bool open_world = false;  // talks to something outside the server (the LLM)
};

// One table drives both tools/list and argument validation, so they cannot disagree.
const std::vector<ToolSpec>& tool_specs() {
    static const std::vector<ToolSpec> specs = {
        {tool_search_patients,
         "Search patients by disease",
         "Find patients by a disease, symptom or condition keyword (for example 'diabetes', "
         "'chest pain' or 'asthma'). Matches current symptoms, medical history, current "
         "medications and visit notes, ignoring case and accents, and lists the 5 most "
         "relevant patients with ID, name, age and symptoms; symptom matches rank first.",
         {{"disease_keyword", ArgType::string, true,
           "Disease, symptom or condition to look for, e.g. 'hypertension'."}}},
        {tool_get_summary,
         "Get patient summary",
         "Get the saved clinical summary of one patient by ID (for example '25'), or say "
         "that none has been generated yet.",
         {{"patient_id", ArgType::string, true, "Patient ID, e.g. '25'."}}},
        {tool_generate_summary,
         "Generate patient summary",
         "Write a concise clinical summary of one patient with the local LLM (Ollama), "
         "streamed while it is generated. With save: true the finished summary is stored as "
         "the patient's summary; a failed or cancelled generation is never stored.",
         {{"patient_id", ArgType::string, true, "Patient ID, e.g. '25'."},
          {"save", ArgType::boolean, false,
           "Store the finished summary for the patient (default false)."},
          {"stream", ArgType::boolean, false,
           "Ask the LLM for a token stream (default true); false waits for one complete "
           "response and sends no token messages.",
           true}},
         false,
         true},
        {tool_update_summary,
         "Update patient summary",
         "Store a summary text for one patient, replacing any previous summary.",
         {{"patient_id", ArgType::string, true, "Patient ID, e.g. '25'."},
          {"summary", ArgType::string, true, "The summary text to store."}},
         false,
         false},
    };
    return specs;
}

const ToolSpec* find_tool(std::string_view name) {
    for (const auto& spec : tool_specs()) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

std::string_view type_name(ArgType type) {
    return type == ArgType::string ? "string" : "boolean";
}

bool has_type(const json& value, ArgType type) {
    return type == ArgType::string ? value.is_string() : value.is_boolean();
}

json input_schema(const ToolSpec& spec) {
    json properties = json::object();
    json required = json::array();
    for (const auto& arg : spec.args) {
        json property = {{"type", type_name(arg.type)}, {"description", arg.description}};
        if (arg.type == ArgType::boolean && !arg.required) property["default"] = arg.default_true;
        properties[std::string(arg.name)] = std::move(property);
        if (arg.required) required.push_back(arg.name);
    }
    return {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}};
}

// No line break or control character inside a value: each `Key: value` must stay one line.
std::string one_line(std::string_view value) {
    std::string out(value);
    for (auto& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return out;
}

std::string one_decimal(double v) {
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    return ec == std::errc{} ? std::string(buf, end) : std::string("unknown");
}

// "2024-03-02: Blood pressure follow-up; 2024-05-10: Routine checkup" for the last `limit`
// visits, oldest first (the file keeps them in date order).
std::string recent_visits(const std::string& visit_history, std::size_t limit) {
    const auto visits = json::parse(visit_history, nullptr, /*allow_exceptions=*/false);
    std::vector<std::string> items;
    if (visits.is_array()) {
        for (const auto& visit : visits) {
            if (!visit.is_object()) continue;
            const auto date = visit.find("date");
            const auto reason = visit.find("reason");
            std::string item = date != visit.end() && date->is_string() ? date->get<std::string>()
                                                                        : std::string("undated");
            if (reason != visit.end() && reason->is_string()) {
                item += ": " + reason->get<std::string>();
            }
            items.push_back(one_line(item));
        }
    }
    if (items.empty()) return "none recorded";
    const auto first = items.size() > limit ? items.size() - limit : 0;
    std::string out;
    for (auto i = first; i < items.size(); ++i) {
        if (i != first) out += "; ";
        out += items[i];
    }
    return out;
}

constexpr std::string_view ascii_space = " \t\n\r\f\v";

}  // namespace

nlohmann::json tools_list() {
    json tools = json::array();
    for (const auto& spec : tool_specs()) {
        tools.push_back({
            {"name", spec.name},
            {"title", spec.title},
            {"description", spec.description},
            {"inputSchema", input_schema(spec)},
            {"annotations",
             {{"title", spec.title},
              {"readOnlyHint", spec.read_only},
              // The writing tools replace the patient's previous summary.
              {"destructiveHint", !spec.read_only},
              {"idempotentHint", spec.read_only || spec.name == tool_update_summary},
              {"openWorldHint", spec.open_world}}},
        });
    }
    return {{"tools", std::move(tools)}};
}

bool is_known_tool(std::string_view tool) {
    return find_tool(tool) != nullptr;
}

std::optional<RpcError> validate_arguments(std::string_view tool, const nlohmann::json& arguments) {
    const auto* spec = find_tool(tool);
    if (spec == nullptr) {
        return RpcError{RpcCode::invalid_params, "Unknown tool: " + std::string(tool)};
    }
    const std::string quoted_tool = "'" + std::string(tool) + "'";
    if (!arguments.is_null() && !arguments.is_object()) {
        return RpcError{RpcCode::invalid_params, "Arguments of tool " + quoted_tool +
                                                     " must be an object, got " +
                                                     describe_type(arguments)};
    }
    for (const auto& arg : spec->args) {
        const std::string name(arg.name);
        const auto it = arguments.is_object() ? arguments.find(name) : arguments.end();
        // Some clients send null for an omitted optional argument.
        const bool absent = it == arguments.end() || (it->is_null() && !arg.required);
        if (absent) {
            if (!arg.required) continue;
            return RpcError{RpcCode::invalid_params,
                            "Missing required argument '" + name + "' for tool " + quoted_tool};
        }
        if (!has_type(*it, arg.type)) {
            return RpcError{RpcCode::invalid_params,
                            "Argument '" + name + "' of tool " + quoted_tool + " must be a " +
                                std::string(type_name(arg.type)) + ", got " + describe_type(*it)};
        }
    }
    return std::nullopt;
}

nlohmann::json text_result(std::string text, bool is_error) {
    return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})},
            {"isError", is_error}};
}

std::string patient_summary_text(const Patient& patient, const std::string& summary) {
    std::string out = "Patient ID: " + patient.patient_id + "\nName: " + patient.name + "\n\n";
    if (summary.find_first_not_of(ascii_space) == std::string::npos) {
        out +=
            "Status: No summary yet. Use " + std::string(tool_generate_summary) + " to create one.";
    } else {
        out += "Summary:\n" + summary;
    }
    return out;
}

std::string generated_summary_text(const Patient& patient, std::string_view summary) {
    return "Generated Summary for " + patient.name + " (ID: " + patient.patient_id + "):\n\n" +
           std::string(summary);
}

std::string updated_summary_text(const Patient& patient, std::string_view summary) {
    // "\u2713" is the check mark the original prints, written as its UTF-8 bytes.
    return "\xE2\x9C\x93 Summary for Patient ID " + patient.patient_id + " (" + patient.name +
           ") has been saved.\n\nSummary (" + std::to_string(common::utf8::code_points(summary)) +
           " characters):\n" + std::string(summary);
}

std::string patient_not_found_text(std::string_view patient_id) {
    return "Patient not found: " + std::string(patient_id);
}

std::string summary_prompt(const Patient& p) {
    std::string out =
        "Write a concise clinical summary (3-5 sentences) of this patient for a physician.\n";
    const auto line = [&out](std::string_view key, std::string_view value) {
        out += key;
        out += ": ";
        out += one_line(value);
        out += '\n';
    };
    line("Name", p.name);
    line("Age", std::to_string(p.age));
    line("Gender", p.gender);
    line("Current symptoms", p.current_symptoms);
    line("Blood pressure", p.current_bp + " mmHg");
    line("Blood sugar", std::to_string(p.current_sugar) + " mg/dL");
    line("Risk score", one_decimal(p.risk_score) + "/10");
    line("Medical history", p.medical_history);
    line("Current medications", p.current_medications);
    line("Recent visits", recent_visits(p.visit_history, 5));
    out.pop_back();  // no trailing newline
    return out;
}

std::string trim_summary(std::string_view summary) {
    const auto first = summary.find_first_not_of(ascii_space);
    if (first == std::string_view::npos) return {};
    const auto last = summary.find_last_not_of(ascii_space);
    return std::string(summary.substr(first, last - first + 1));
}

}  // namespace core
