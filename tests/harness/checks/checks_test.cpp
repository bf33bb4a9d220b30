// The check table (reports/check_table.inc) as the harness reads it: every row reaches its
// function, the report's catalog and the scenario loader's ids are the same list, and a check
// that needs the summaries CSV is skipped when the run has none.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "harness/checks.hpp"
#include "harness/scenario.hpp"
#include "run_builder.hpp"

namespace {

using harness::evaluate_check;
using harness::checks::check_table;
using harness::checks::find_check;
using harness::checks::Needs;
using harness::testing::RunBuilder;
using reports::Status;

TEST(CheckTable, CatalogAndLoaderListTheTableThenTheRollup) {
    const auto table = check_table();
    const auto& catalog = reports::check_catalog();
    const auto& known = harness::known_checks();
    ASSERT_EQ(catalog.size(), table.size() + 1);
    ASSERT_EQ(known.size(), catalog.size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        EXPECT_EQ(catalog[i].id, table[i].id);
        EXPECT_EQ(known[i], table[i].id);
        EXPECT_FALSE(catalog[i].title.empty()) << table[i].id;
    }
    EXPECT_EQ(catalog.back().id, reports::kSuiteAllPass);
    EXPECT_EQ(known.back(), reports::kSuiteAllPass);
}

TEST(CheckTable, IdsAreUniqueAndEachHasAFunction) {
    std::set<std::string_view> seen;
    for (const auto& row : check_table()) {
        EXPECT_TRUE(seen.insert(row.id).second) << "twice: " << row.id;
        EXPECT_NE(row.decide, nullptr) << row.id;
        EXPECT_EQ(find_check(row.id), &row);
    }
}

TEST(CheckTable, UnknownIdsAndTheRollupHaveNoRow) {
    EXPECT_EQ(find_check("stream.ordre"), nullptr);
    EXPECT_EQ(find_check(""), nullptr);
    EXPECT_EQ(find_check(reports::kSuiteAllPass), nullptr);
}

TEST(CheckTable, ChecksThatNeedTheCsvAreSkippedWithoutIt) {
    RunBuilder b;
    b.record().summaries_csv_known = false;
    std::size_t needing = 0;
    for (const auto& row : check_table()) {
        if (row.needs != Needs::summaries_csv) continue;
        ++needing;
        const auto r = evaluate_check(std::string(row.id), b.run());
        EXPECT_EQ(r.id, row.id);
        EXPECT_EQ(r.status, Status::skipped) << row.id;
        EXPECT_EQ(r.message, "the server's summaries CSV is not reachable: pass --summaries-csv");
    }
    EXPECT_EQ(needing, 2U);  // csv.complete_saved and csv.integrity
}

}  // namespace

namespace {

// junit.xml's testcase time: the span of the scenario's calls, not the microseconds the
// check took to evaluate (which printed time="0.000" on every testcase).
TEST(CheckTime, IsTheSpanOfTheCallsJudged) {
    RunBuilder b;
    harness::testing::Generate later;
    later.path = "steps[1]";
    later.call_id = "2";
    later.sent_ms = 1500;
    b.generate({});
    const auto& second = b.generate(later).call;
    const std::int64_t end = second.response_steady_us;
    const auto& run = b.run();
    const double want = static_cast<double>(end - run.steps.front().call.sent_steady_us) / 1e6;
    EXPECT_GT(want, 1.5);
    for (const char* id : {"stream.order", "stream.tokens_delivered", "csv.integrity"}) {
        EXPECT_DOUBLE_EQ(evaluate_check(id, run).seconds, want) << id;
    }
}

TEST(CheckTime, NoCallIsZero) {
    RunBuilder b;
    EXPECT_EQ(evaluate_check("stream.order", b.run()).seconds, 0);
}

}  // namespace
