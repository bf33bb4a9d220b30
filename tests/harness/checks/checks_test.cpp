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
