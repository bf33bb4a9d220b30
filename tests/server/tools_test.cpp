// The four tools' result texts as clients parse them, and what update_patient_summary writes
// to patient_summaries.csv (byte for byte, with the characters that break naive CSV code).
#include <gmock/gmock.h>

#include <regex>
#include <sstream>

#include "common/utf8.hpp"
#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ServerTools : public ServerTest {
  protected:
    void SetUp() override { start(); }
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

TEST_F(ServerTools, SearchListsMatchingPatientsInTheOriginalShape) {
    auto c = connect();
    // A keyword from a patient's first symptom: at least that patient matches.
    const std::string symptoms = patient("1").current_symptoms;
    const std::string keyword = symptoms.substr(0, symptoms.find(','));
    const auto r = c->tool("search_patients_by_disease", {{"disease_keyword", keyword}});
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_FALSE(r.is_tool_error()) << r.describe();
    const std::string text = r.text();
    const auto lines = lines_of(text);
    ASSERT_GE(lines.size(), 3u) << text;
    const std::regex head("Found ([0-9]+) patients matching '(.*)':");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[0], m, head)) << "first line: " << lines[0];
    EXPECT_EQ(m[2].str(), keyword) << text;
    const auto n = std::stoul(m[1].str());
    EXPECT_GE(n, 1u);
    EXPECT_LE(n, 5u);
    EXPECT_EQ(lines[1], "") << text;
    ASSERT_EQ(lines.size(), n + 2) << "N says " << n << " lines; text:\n" << text;
    const std::regex row(
        "([0-9]+)\\. ID: ([1-9][0-9]*) \\| Name: (.+) \\| Age: ([0-9]+) \\| Symptoms: (.*)");
    bool found_first = false;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& line = lines[i + 2];
        ASSERT_TRUE(std::regex_match(line, m, row)) << "line " << i + 1 << ": " << line;
        EXPECT_EQ(std::stoul(m[1].str()), i + 1) << line;
        const auto& p = patient(m[2].str());
        EXPECT_EQ(m[3].str(), p.name) << line;
        EXPECT_EQ(m[4].str(), std::to_string(p.age)) << line;
        // The first 40 code points of the symptoms.
        EXPECT_TRUE(p.current_symptoms.starts_with(m[5].str())) << line;
        EXPECT_LE(common::utf8::code_points(m[5].str()), 40u) << line;
        found_first |= p.patient_id == "1";
    }
    EXPECT_TRUE(found_first || n == 5) << "patient 1 has '" << keyword << "' but is not listed:\n"
                                       << text;
    EXPECT_EQ(text.back() == '\n', false) << "trailing newline";
}

TEST_F(ServerTools, SearchWithoutMatchSaysSo) {
    auto c = connect();
    const auto r = c->tool("search_patients_by_disease", {{"disease_keyword", "zqxjvw"}});
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_FALSE(r.is_tool_error()) << r.describe();
    EXPECT_THAT(r.text(), StartsWith("No patients found matching 'zqxjvw'.")) << r.describe();
}

TEST_F(ServerTools, GetSummaryBeforeAndAfterASave) {
    auto c = connect();
    const auto& p = patient("3");
    const auto before = c->tool("get_patient_summary", {{"patient_id", "3"}});
    ASSERT_TRUE(before.has_result()) << before.describe();
    EXPECT_FALSE(before.is_tool_error()) << before.describe();
    EXPECT_EQ(before.text(), "Patient ID: 3\nName: " + p.name +
                                 "\n\nStatus: No summary yet. Use generate_summary to create one.");

    const std::string summary = "Stable; follow up in two weeks.";
    const auto saved =
        c->tool("update_patient_summary", {{"patient_id", "3"}, {"summary", summary}});
    ASSERT_TRUE(saved.has_result()) << saved.describe();
    EXPECT_FALSE(saved.is_tool_error()) << saved.describe();

    const auto after = c->tool("get_patient_summary", {{"patient_id", "3"}});
    ASSERT_TRUE(after.has_result()) << after.describe();
    EXPECT_EQ(after.text(), "Patient ID: 3\nName: " + p.name + "\n\nSummary:\n" + summary);
}

TEST_F(ServerTools, UpdateWithHostileSummaryIsSavedByteForByte) {
    auto c = connect();
    const auto& p = patient("4");
    const std::string hostile =
        "He said \"stop, now\", then left,\r\nreturned;\n\"quoted\" again, \"\" empty quotes, "
        "naïve café — ünïcode 😀🩺 and a trailing comma,\n  indented line with spaces  ";
    const auto before = summaries_csv();
    const auto r = c->tool("update_patient_summary", {{"patient_id", "4"}, {"summary", hostile}});
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_FALSE(r.is_tool_error()) << r.describe();
    EXPECT_EQ(r.text(), "✓ Summary for Patient ID 4 (" + p.name + ") has been saved.\n\nSummary (" +
                            std::to_string(common::utf8::code_points(hostile)) + " characters):\n" +
                            hostile);

    // The response comes after the save is durable: the file holds it now.
    const auto after = summaries_csv();
    ASSERT_EQ(after.size(), before.size());
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after[0], (std::vector<std::string>{"patient_id", "name", "summary"}));
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (!after[i].empty() && after[i][0] == "4") {
            ASSERT_EQ(after[i].size(), 3u);
            EXPECT_EQ(after[i][1], p.name);
            EXPECT_EQ(after[i][2], hostile) << "row as parsed: " << json(after[i][2]).dump();
        } else {
            EXPECT_EQ(after[i], before[i]) << "row " << i << " changed";
        }
    }
    const auto got = c->tool("get_patient_summary", {{"patient_id", "4"}});
    EXPECT_EQ(got.text(), "Patient ID: 4\nName: " + p.name + "\n\nSummary:\n" + hostile);
}

TEST_F(ServerTools, UnknownPatientIsAToolErrorWithOneClearLine) {
    auto c = connect();
    const auto before = summaries_csv();
    for (const auto& [tool, args] : std::vector<std::pair<std::string, json>>{
             {"get_patient_summary", {{"patient_id", "P999"}}},
             {"update_patient_summary", {{"patient_id", "P999"}, {"summary", "x"}}},
             {"generate_summary", {{"patient_id", "P999"}, {"save", true}}}}) {
        const auto r = c->tool(tool, args);
        ASSERT_TRUE(r.has_result()) << tool << ": " << r.describe();
        EXPECT_TRUE(r.is_tool_error()) << tool << ": " << r.describe();
        EXPECT_EQ(r.text().find('\n'), std::string::npos) << tool << ": " << r.text();
        EXPECT_THAT(r.text(), HasSubstr("P999")) << tool;
        EXPECT_THAT(r.text(), HasSubstr("not found")) << tool;
    }
    EXPECT_EQ(summaries_csv(), before);
    EXPECT_TRUE(mock().requests().empty()) << "Ollama was asked about an unknown patient";
}

}  // namespace
}  // namespace server_test
