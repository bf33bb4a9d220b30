// csv.* against a server that saves half the summary, another text, touches another
// patient's row, or leaves its temporary file behind.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/utf8.hpp"
#include "e2e_run.hpp"
#include "scenarios.hpp"

namespace harness_e2e {
namespace {

using harness::checks::quote;
using ::testing::HasSubstr;

constexpr std::string_view kSaveCall = "client 0 steps[1] generate 1 (id 2)";

// The summary the save step was answered with.
std::string final_summary(const E2eRun& run) {
    const auto summary = harness::checks::final_summary(run.step("steps[1]"));
    EXPECT_TRUE(summary.has_value()) << run.report();
    return summary.value_or("");
}

TEST(CsvFlaws, HalfTheSummarySavedFailsCompleteSaved) {
    expect_all_passed(run_against(Flaw::none, scenarios::kSave));

    const E2eRun run = run_against(Flaw::partial_save, scenarios::kSave);
    const auto& r = expect_failed(run, "csv.complete_saved");
    const auto* e = find_evidence(r, "prefix of the final summary", kSaveCall);
    ASSERT_NE(e, nullptr) << run.report();
    const std::size_t chars = common::utf8::code_points(final_summary(run));
    ASSERT_GT(chars, 10u);
    EXPECT_EQ(e->detail, "prefix of the final summary (" + std::to_string(chars / 2) + " of " +
                             std::to_string(chars) + " chars)");
}

TEST(CsvFlaws, AnotherTextSavedFailsCompleteSaved) {
    expect_all_passed(run_against(Flaw::none, scenarios::kSave));

    const E2eRun run = run_against(Flaw::save_differs, scenarios::kSave);
    const auto& r = expect_failed(run, "csv.complete_saved");
    const auto* e = find_evidence(r, "saved text and the final summary differ", kSaveCall);
    ASSERT_NE(e, nullptr) << run.report();
    const std::string summary = final_summary(run);
    const std::string saved = "(edited) " + summary;
    const auto at = static_cast<std::size_t>(
        std::mismatch(summary.begin(), summary.end(), saved.begin(), saved.end()).first -
        summary.begin());
    EXPECT_EQ(e->detail, "saved text and the final summary differ at byte " + std::to_string(at) +
                             " (expected " + std::to_string(summary.size()) + " bytes, got " +
                             std::to_string(saved.size()) + ")");
    EXPECT_THAT(e->got, HasSubstr("(edited) "));
}

TEST(CsvFlaws, AnotherPatientsRowChangedFailsIntegrity) {
    expect_all_passed(run_against(Flaw::none, scenarios::kSave));

    const E2eRun run = run_against(Flaw::corrupt_other_row, scenarios::kSave);
    const auto& r = expect_failed(run, "csv.integrity");
    const auto* e = find_evidence(r, "column summary changed", "row 2 (2)");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_EQ(e->call, "row 2 (2)");
    EXPECT_EQ(e->expected, quote(""));
    EXPECT_EQ(e->got, quote("overwritten while saving 1"));
    EXPECT_EQ(e->detail, "column summary changed although no save in this run touched the row");
}

TEST(CsvFlaws, TemporaryFileLeftBehindFailsIntegrity) {
    expect_all_passed(run_against(Flaw::none, scenarios::kSave));

    const E2eRun run = run_against(Flaw::leave_temp_file, scenarios::kSave);
    const auto& r = expect_failed(run, "csv.integrity");
    const auto* e = find_evidence(r, "a temporary file was left behind", "data directory");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_EQ(e->got, "patient_summaries.csv.tmp");
    EXPECT_EQ(e->detail, "a temporary file was left behind: patient_summaries.csv.tmp");
    // The saved text itself is right: only the leftover is wrong.
    EXPECT_EQ(run.check("csv.complete_saved").status, reports::Status::passed) << run.report();
}

}  // namespace
}  // namespace harness_e2e
