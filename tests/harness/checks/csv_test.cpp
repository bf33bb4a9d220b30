// csv.*: the summaries CSV after the run against the saves and against the file before.
#include <gtest/gtest.h>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

Generate saving() {
    Generate g;
    g.save = true;
    return g;
}

TEST(ChecksCompleteSaved, PassesWhenTheRowHoldsTheFinalSummary) {
    RunBuilder b;
    b.generate(saving());
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 1u);
    EXPECT_EQ(r.item_unit, "saves");
}

TEST(ChecksCompleteSaved, FailsOnAPartialSave) {
    RunBuilder b;
    b.generate(saving());
    RunBuilder::set_summary(b.after, "P001", "Patient is stable");
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "client 0 steps[0] generate P001 (id 1)");
    EXPECT_EQ(e.expected, "\"Patient is stable, BP 120/80.\"");
    EXPECT_EQ(e.got, "\"Patient is stable\"");
    EXPECT_EQ(e.detail, "prefix of the final summary (17 of 29 chars)");
}

TEST(ChecksCompleteSaved, FailsWhenTheSavedTextDiffersFromTheStream) {
    RunBuilder b;
    b.generate(saving());
    RunBuilder::set_summary(b.after, "P001", "Patient is stable, BP 120/90.");
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail,
              "saved text and the final summary differ at byte 26 (expected 29 bytes, got 29)");
}

TEST(ChecksCompleteSaved, FailsOnATokenFragment) {
    RunBuilder b;
    b.generate(saving());
    RunBuilder::set_summary(b.after, "P001", " 120/80");
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).token_index, 5u);
    EXPECT_EQ(first_evidence(r).detail,
              "the row holds one token fragment of the stream, not the final summary");
}

TEST(ChecksCompleteSaved, TheLastUpdateInCompletionOrderWins) {
    RunBuilder b;
    b.update(0, "steps[0]", "1", 0, "P002", "first");
    b.update(0, "steps[1]", "2", 100, "P002", "second");
    EXPECT_EQ(evaluate_check("csv.complete_saved", b.run()).status, Status::passed);

    RunBuilder::set_summary(b.after, "P002", "first");  // a lost update
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).call, "client 0 steps[1] update P002 (id 2)");
    EXPECT_EQ(first_evidence(r).expected, "\"second\"");
    EXPECT_EQ(first_evidence(r).got, "\"first\"");
}

TEST(ChecksCompleteSaved, OverlappingSavesMayLandInEitherOrder) {
    RunBuilder b;
    b.update(0, "steps[0]", "1", 0, "P002", "first");   // in flight 0..5 ms
    b.update(1, "steps[0]", "1", 3, "P002", "second");  // in flight 3..8 ms
    RunBuilder::set_summary(b.after, "P002", "first");
    EXPECT_EQ(evaluate_check("csv.complete_saved", b.run()).status, Status::passed);
}

TEST(ChecksCompleteSaved, AFailedSaveIsAFailedItem) {
    RunBuilder b;
    auto& s = b.update(0, "steps[0]", "1", 0, "P002", "new");
    respond(s.call, result_response("1", "Error: could not write the CSV", true), 5);
    RunBuilder::set_summary(b.after, "P002", "");
    const auto r = evaluate_check("csv.complete_saved", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail, "call failed: tool error: Error: could not write the CSV");
}

TEST(ChecksCompleteSaved, SkippedWhenTheCsvIsNotReachable) {
    RunBuilder b;
    b.generate(saving());
    b.record().summaries_csv_known = false;
    for (const char* id : {"csv.complete_saved", "csv.integrity"}) {
        const auto r = evaluate_check(id, b.run());
        EXPECT_EQ(r.status, Status::skipped) << id;
        EXPECT_EQ(r.message, "the server's summaries CSV is not reachable: pass --summaries-csv");
    }
}

TEST(ChecksCompleteSaved, SkippedWithoutSaves) {
    RunBuilder b;
    b.generate({});
    EXPECT_EQ(evaluate_check("csv.complete_saved", b.run()).status, Status::skipped);
}

TEST(ChecksIntegrity, PassesWhenOnlyTheSavedRowChanged) {
    RunBuilder b;
    b.generate(saving());
    b.record().data_dir_files_after = {"patients_data.csv", "patient_summaries.csv"};
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    EXPECT_EQ(r.total_items, 5u);  // header, 3 rows, the data directory
    EXPECT_TRUE(r.warnings.empty());
}

TEST(ChecksIntegrity, FailsWhenARowOfAnotherPatientChanged) {
    RunBuilder b;
    b.generate(saving());
    RunBuilder::set_summary(b.after, "P003", "Earlier summary, \"quoted\"");
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    const auto& e = r.evidence[0];
    EXPECT_EQ(e.call, "row 3 (P003)");
    EXPECT_EQ(e.expected, "\"Earlier summary, \\\"quoted\\\"\\nsecond line\"");
    EXPECT_EQ(e.got, "\"Earlier summary, \\\"quoted\\\"\"");
    EXPECT_EQ(e.detail, "column summary changed although no save in this run touched the row");
}

TEST(ChecksIntegrity, FailsOnATemporaryFileLeftBehind) {
    RunBuilder b;
    b.generate(saving());
    b.record().data_dir_files_after = {"patient_summaries.csv", "patient_summaries.csv.tmp.4242"};
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    EXPECT_EQ(r.evidence[0].call, "data directory");
    EXPECT_EQ(r.evidence[0].got, "patient_summaries.csv.tmp.4242");
    EXPECT_EQ(r.evidence[0].detail,
              "a temporary file was left behind: patient_summaries.csv.tmp.4242");
}

TEST(ChecksIntegrity, FailsWhenTheHeaderChanged) {
    RunBuilder b;
    b.generate(saving());
    b.after[0] = {"id", "name", "summary"};
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 1u);
    EXPECT_EQ(r.evidence[0].call, "header");
    EXPECT_EQ(r.evidence[0].expected, "\"patient_id,name,summary\"");
    EXPECT_EQ(r.evidence[0].got, "\"id,name,summary\"");
    EXPECT_EQ(r.evidence[0].detail, "the header changed");
}

TEST(ChecksIntegrity, FailsOnRowsDroppedOrReordered) {
    RunBuilder b;
    std::swap(b.after[1], b.after[2]);
    b.after.pop_back();
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::failed);
    ASSERT_EQ(r.evidence.size(), 3u);
    EXPECT_EQ(r.evidence[0].call, "row 1 (P001)");
    EXPECT_EQ(r.evidence[0].got, "patient P002");
    EXPECT_EQ(r.evidence[0].detail, "the ids are not the same, in the same order, as before");
    EXPECT_EQ(r.evidence[2].call, "row 3 (P003)");
    EXPECT_EQ(r.evidence[2].got, "no row");
}

TEST(ChecksIntegrity, FailsWhenTheFileNoLongerParses) {
    RunBuilder b;
    b.run();
    b.record().summaries_csv_after = "patient_id,name,summary\r\nP001,Ada,\"cut";
    const auto r = evaluate_check("csv.integrity", b.record());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail,
              "the CSV after the run is not valid RFC 4180: unterminated quoted field starting "
              "at line 2, column 10");
}

TEST(ChecksIntegrity, AFormulaLikeSummaryIsAWarningNotAFailure) {
    RunBuilder b;
    Generate g = saving();
    g.tokens = {"=HYPERLINK(\"x\")", " risk"};
    b.generate(g);
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::passed) << r.message;
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0],
              "patient P001's saved summary starts with \"=\": a spreadsheet may run it as a "
              "formula (CSV injection)");
}

TEST(ChecksIntegrity, FailsWhenASavedRowLosesItsName) {
    RunBuilder b;
    b.generate(saving());
    b.after[1][1] = "Ada";
    const auto r = evaluate_check("csv.integrity", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(first_evidence(r).detail,
              "column name changed in a saved row (only the summary may change)");
}

}  // namespace
}  // namespace harness
