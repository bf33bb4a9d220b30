// The tools' contract with clients of the original server: schemas, argument errors and the
// result texts, byte for byte (non-ASCII names, summaries with quotes, commas, line breaks and
// an emoji), plus the prompt sent to Ollama.
#include "core/tools.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using core::RpcCode;
using core::RpcError;
using json = nlohmann::json;

core::Patient zoe() {
    core::Patient p;
    p.patient_id = "P007";
    p.name = "Zoë Ødegaard-Nguyễn";
    p.age = 61;
    p.gender = "Female";
    p.current_symptoms = "chest pain, fatigue";
    p.current_bp = "142/91";
    p.current_sugar = 118;
    p.base_score = 4.2;
    p.risk_score = 6.7;
    p.medical_history = "Hypertension, Type 2 Diabetes";
    p.current_medications = "Metformin 1000mg, Lisinopril 10mg";
    p.visit_history =
        R"([{"date":"2023-02-01","reason":"Diabetes management","notes":"Says \"fine\", ok.",)"
        R"("bp":"140/90","sugar":120},{"date":"2024-06-30","reason":"Chest pain evaluation",)"
        R"("notes":"ECG: normal sinus rhythm, no ST changes.","bp":"150/95","sugar":131}])";
    return p;
}

// Quotes, commas, LF, CRLF, a lone CR, an emoji (4 bytes, 1 code point) and accents.
const std::string hostile_summary =
    "Zoë has \"controlled\" hypertension, diabetes,\nand chest pain\r\nsince 2024;\r"
    "follow up \xF0\x9F\xA9\xBA soon.";

std::optional<RpcError> check(std::string_view tool, const json& arguments) {
    return core::validate_arguments(tool, arguments);
}

void expect_params_error(std::string_view tool, const json& arguments, const std::string& message) {
    const auto error = check(tool, arguments);
    ASSERT_TRUE(error) << tool << " accepted " << arguments.dump();
    EXPECT_EQ(error->code, RpcCode::invalid_params);
    EXPECT_EQ(error->message, message);
}

}  // namespace

// --- tools/list -------------------------------------------------------------------------------

TEST(ToolsList, ListsTheFourOriginalToolsWithTheirArguments) {
    const auto list = core::tools_list();
    ASSERT_TRUE(list.at("tools").is_array());
    const auto& tools = list["tools"];
    ASSERT_EQ(tools.size(), 4u);

    // Literal names on purpose: the wire names are the contract the constants must keep.
    const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
        {"search_patients_by_disease", {"disease_keyword"}},
        {"get_patient_summary", {"patient_id"}},
        {"generate_summary", {"patient_id"}},
        {"update_patient_summary", {"patient_id", "summary"}},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& tool = tools[i];
        SCOPED_TRACE(expected[i].first);
        EXPECT_EQ(tool.at("name"), expected[i].first);
        ASSERT_TRUE(tool.at("description").is_string());
        EXPECT_GT(tool["description"].get<std::string>().size(), 40u);
        const auto& schema = tool.at("inputSchema");
        EXPECT_EQ(schema.at("type"), "object");
        EXPECT_EQ(schema.at("required"), json(expected[i].second));
        for (const auto& name : expected[i].second) {
            EXPECT_EQ(schema.at("properties").at(name).at("type"), "string") << name;
            EXPECT_TRUE(schema["properties"][name].at("description").is_string()) << name;
        }
    }
}

TEST(ToolsList, GenerateSummaryHasOptionalBooleansSaveAndStream) {
    auto list = core::tools_list();  // not const: operator[] on a const json asserts
    auto& schema = list["tools"][2]["inputSchema"];
    EXPECT_EQ(schema["properties"]["save"]["type"], "boolean");
    EXPECT_EQ(schema["properties"]["save"]["default"], false);
    EXPECT_EQ(schema["properties"]["stream"]["type"], "boolean");
    EXPECT_EQ(schema["properties"]["stream"]["default"], true);
    EXPECT_EQ(schema["properties"].size(), 3u);
    EXPECT_EQ(schema["required"], nlohmann::json::array({"patient_id"}));
    EXPECT_TRUE(
        core::validate_arguments("generate_summary", {{"patient_id", "P001"}, {"stream", "no"}})
            .has_value())
        << "a non-boolean stream is refused before the session reads it";
}

TEST(ToolsList, AnnotationsMarkWhichToolsWrite) {
    auto list = core::tools_list();
    auto& tools = list["tools"];
    EXPECT_EQ(tools[0]["annotations"]["readOnlyHint"], true);
    EXPECT_EQ(tools[1]["annotations"]["readOnlyHint"], true);
    EXPECT_EQ(tools[2]["annotations"]["readOnlyHint"], false);
    EXPECT_EQ(tools[2]["annotations"]["openWorldHint"], true);
    EXPECT_EQ(tools[3]["annotations"]["readOnlyHint"], false);
    EXPECT_EQ(tools[3]["annotations"]["idempotentHint"], true);
}

TEST(ToolsList, EveryListedToolIsKnown) {
    const auto list = core::tools_list();  // a named list: the range must outlive the loop
    for (const auto& tool : list.at("tools")) {
        EXPECT_TRUE(core::is_known_tool(tool["name"].get<std::string>()));
    }
    EXPECT_FALSE(core::is_known_tool("search_patients"));
}

// --- argument validation ----------------------------------------------------------------------

TEST(ValidateArguments, ValidCallsPass) {
    EXPECT_EQ(check("search_patients_by_disease", {{"disease_keyword", "asthma"}}), std::nullopt);
    EXPECT_EQ(check("get_patient_summary", {{"patient_id", "P001"}}), std::nullopt);
    EXPECT_EQ(check("generate_summary", {{"patient_id", "P001"}}), std::nullopt);
    EXPECT_EQ(check("generate_summary", {{"patient_id", "P001"}, {"save", true}}), std::nullopt);
    EXPECT_EQ(check("update_patient_summary", {{"patient_id", "P001"}, {"summary", ""}}),
              std::nullopt);
}

TEST(ValidateArguments, ExtraArgumentsAndANullOptionalAreIgnored) {
    EXPECT_EQ(check("get_patient_summary", {{"patient_id", "P001"}, {"verbose", 1}}), std::nullopt);
    EXPECT_EQ(check("generate_summary", {{"patient_id", "P001"}, {"save", nullptr}}), std::nullopt);
}

TEST(ValidateArguments, UnknownToolIsInvalidParams) {
    expect_params_error("delete_patient", json::object(), "Unknown tool: delete_patient");
    expect_params_error("", nullptr, "Unknown tool: ");
}

TEST(ValidateArguments, MissingArgumentsAreNamed) {
    expect_params_error("search_patients_by_disease", json::object(),
                        "Missing required argument 'disease_keyword' for tool "
                        "'search_patients_by_disease'");
    // Absent arguments read as {}.
    expect_params_error("get_patient_summary", nullptr,
                        "Missing required argument 'patient_id' for tool 'get_patient_summary'");
    expect_params_error("update_patient_summary", {{"patient_id", "P001"}},
                        "Missing required argument 'summary' for tool 'update_patient_summary'");
    expect_params_error("generate_summary", {{"save", true}},
                        "Missing required argument 'patient_id' for tool 'generate_summary'");
}

TEST(ValidateArguments, WrongTypesAreNamed) {
    expect_params_error("get_patient_summary", {{"patient_id", 1}},
                        "Argument 'patient_id' of tool 'get_patient_summary' must be a string, "
                        "got an integer");
    expect_params_error("get_patient_summary", {{"patient_id", nullptr}},
                        "Argument 'patient_id' of tool 'get_patient_summary' must be a string, "
                        "got null");
    expect_params_error("generate_summary", {{"patient_id", "P001"}, {"save", "true"}},
                        "Argument 'save' of tool 'generate_summary' must be a boolean, got a "
                        "string");
    expect_params_error("update_patient_summary",
                        {{"patient_id", "P001"}, {"summary", json::array({"a"})}},
                        "Argument 'summary' of tool 'update_patient_summary' must be a string, "
                        "got an array");
    expect_params_error("search_patients_by_disease", {{"disease_keyword", 2.5}},
                        "Argument 'disease_keyword' of tool 'search_patients_by_disease' must be "
                        "a string, got a non-integer number");
}

TEST(ValidateArguments, ArgumentsMustBeAnObject) {
    expect_params_error("get_patient_summary", json::array({"P001"}),
                        "Arguments of tool 'get_patient_summary' must be an object, got an array");
    expect_params_error("get_patient_summary", "P001",
                        "Arguments of tool 'get_patient_summary' must be an object, got a string");
}

// --- result shapes ----------------------------------------------------------------------------

TEST(TextResult, IsOneTextContentWithIsError) {
    EXPECT_EQ(core::text_result("hi").dump(),
              R"({"content":[{"text":"hi","type":"text"}],"isError":false})");
    EXPECT_EQ(core::text_result("Patient not found: P999", true),
              json({{"content", {{{"type", "text"}, {"text", "Patient not found: P999"}}}},
                    {"isError", true}}));
}

TEST(ResultTexts, PatientSummaryWithASummary) {
    EXPECT_EQ(core::patient_summary_text(zoe(), hostile_summary),
              "Patient ID: P007\nName: Zoë Ødegaard-Nguyễn\n\nSummary:\n" + hostile_summary);
}

TEST(ResultTexts, PatientSummaryWithoutOne) {
    const std::string expected =
        "Patient ID: P007\nName: Zoë Ødegaard-Nguyễn\n\nStatus: No summary yet. Use "
        "generate_summary to create one.";
    EXPECT_EQ(core::patient_summary_text(zoe(), ""), expected);
    EXPECT_EQ(core::patient_summary_text(zoe(), " \r\n\t"), expected);
}

TEST(ResultTexts, GeneratedSummary) {
    EXPECT_EQ(core::generated_summary_text(zoe(), hostile_summary),
              "Generated Summary for Zoë Ødegaard-Nguyễn (ID: P007):\n\n" + hostile_summary);
}

TEST(ResultTexts, UpdatedSummaryCountsCodePointsAsPython) {
    // 94 bytes, 90 code points: ë is 2 bytes and the stethoscope emoji 4.
    ASSERT_EQ(hostile_summary.size(), 94u);
    EXPECT_EQ(core::updated_summary_text(zoe(), hostile_summary),
              "\xE2\x9C\x93 Summary for Patient ID P007 (Zoë Ødegaard-Nguyễn) has been "
              "saved.\n\nSummary (90 characters):\n" +
                  hostile_summary);
}

TEST(ResultTexts, UpdatedSummaryCountsEdgeCases) {
    const auto count_line = [](std::string_view summary) {
        const auto text = core::updated_summary_text(zoe(), summary);
        const auto start = text.find("Summary (");
        return text.substr(start, text.find('\n', start) - start);
    };
    EXPECT_EQ(count_line(""), "Summary (0 characters):");
    EXPECT_EQ(count_line("\xF0\x9F\xA9\xBA"), "Summary (1 characters):");
    EXPECT_EQ(count_line("日本語"), "Summary (3 characters):");
    EXPECT_EQ(count_line("a\r\nb"), "Summary (4 characters):");
}

TEST(ResultTexts, PatientNotFound) {
    EXPECT_EQ(core::patient_not_found_text("P999"), "Patient not found: P999");
}

// --- prompt and trimming ----------------------------------------------------------------------

TEST(SummaryPrompt, HasTheInstructionAndOneKeyValueLineEach) {
    EXPECT_EQ(core::summary_prompt(zoe()),
              "Write a concise clinical summary (3-5 sentences) of this patient for a "
              "physician.\n"
              "Name: Zoë Ødegaard-Nguyễn\n"
              "Age: 61\n"
              "Gender: Female\n"
              "Current symptoms: chest pain, fatigue\n"
              "Blood pressure: 142/91 mmHg\n"
              "Blood sugar: 118 mg/dL\n"
              "Risk score: 6.7/10\n"
              "Medical history: Hypertension, Type 2 Diabetes\n"
              "Current medications: Metformin 1000mg, Lisinopril 10mg\n"
              "Recent visits: 2023-02-01: Diabetes management; 2024-06-30: Chest pain "
              "evaluation");
}

TEST(SummaryPrompt, ListsTheLastFiveVisits) {
    auto p = zoe();
    json visits = json::array();
    for (int i = 1; i <= 7; ++i) {
        visits.push_back({{"date", "2024-0" + std::to_string(i) + "-01"}, {"reason", "R"}});
    }
    p.visit_history = visits.dump();
    EXPECT_THAT(core::summary_prompt(p),
                ::testing::EndsWith("\nRecent visits: 2024-03-01: R; 2024-04-01: R; 2024-05-01: "
                                    "R; 2024-06-01: R; 2024-07-01: R"));
    p.visit_history = "[]";
    EXPECT_THAT(core::summary_prompt(p), ::testing::EndsWith("\nRecent visits: none recorded"));
}

TEST(SummaryPrompt, ValuesCannotForgeAnotherLine) {
    auto p = zoe();
    p.name = "Ann\nAge: 99";
    p.current_symptoms = "cough\r\nMedical history: none";
    const auto prompt = core::summary_prompt(p);
    EXPECT_THAT(prompt, ::testing::HasSubstr("\nName: Ann Age: 99\n"));
    EXPECT_THAT(prompt, ::testing::HasSubstr("\nCurrent symptoms: cough  Medical history: none\n"));
    EXPECT_EQ(std::count(prompt.begin(), prompt.end(), '\n'), 10);
}

TEST(TrimSummary, StripsAsciiWhiteSpaceOnly) {
    EXPECT_EQ(core::trim_summary(" \t\n\r\f\vA \"b\",\nc \xF0\x9F\xA9\xBA\r\n "),
              "A \"b\",\nc \xF0\x9F\xA9\xBA");
    EXPECT_EQ(core::trim_summary(""), "");
    EXPECT_EQ(core::trim_summary(" \n\t "), "");
    EXPECT_EQ(core::trim_summary("x"), "x");
    // Only ASCII white space: a no-break space (U+00A0) is text and stays.
    EXPECT_EQ(core::trim_summary("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");
}
