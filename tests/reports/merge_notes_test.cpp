// A merged scenario's parts, clock offsets, relay-lag skew bound and percentile source, as
// checklist.md and report.html show them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merge_support.hpp"
#include "reports/html.hpp"
#include "reports/markdown.hpp"
#include "reports/merge.hpp"

namespace {

using namespace reports_test;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MergeNotes, SayWhereEachPartCameFromAndTheSkewBound) {
    const auto merged = reports::merge_runs(shards(4, 8));
    const auto& s = merged.scenarios[0];
    // Offsets +10, -20, +30, -40 µs, each ± 5 µs: the bound is 45 µs.
    EXPECT_EQ(s.extra["skew_bound_us"], 45.0);
    ASSERT_EQ(s.extra["shards"].size(), 4u);
    EXPECT_EQ(s.extra["shards"][3]["dir"], "shard-4");
    EXPECT_EQ(s.extra["shards"][3]["clock"]["offset_us"], -40.0);
    EXPECT_THAT(
        reports::merge_notes(s),
        ElementsAre("Merged from 4 parts:",
                    "shard 1/4 from shard-1: 2 clients, mock clock offset +10 µs ± 5 µs",
                    "shard 2/4 from shard-2: 2 clients, mock clock offset -20 µs ± 5 µs",
                    "shard 3/4 from shard-3: 2 clients, mock clock offset +30 µs ± 5 µs",
                    "shard 4/4 from shard-4: 2 clients, mock clock offset -40 µs ± 5 µs",
                    "Relay lag compares each shard's clock with the mock's: its figures can carry "
                    "up to 45 µs of clock skew (the largest |offset| + uncertainty of any part).",
                    "Percentiles recomputed from every part's samples (exact): ttft, itl, "
                    "relay_lag, e2e.",
                    "Tokens/s total: all parts' tokens over their common window [first start, "
                    "last end]."));
}

TEST(MergeNotes, APartWithoutClockEvidenceLeavesTheSkewUnknown) {
    auto in = shards(2, 4);
    for (auto& r : in) r.report.scenarios[0].extra["shard"].erase("clock");
    const auto notes = reports::merge_notes(reports::merge_runs(std::move(in)).scenarios[0]);
    EXPECT_THAT(notes, ::testing::Contains(HasSubstr("(no clock evidence)")));
    EXPECT_THAT(notes, ::testing::Contains("Relay-lag clock skew unknown: the parts recorded no "
                                           "clock evidence."));
}

TEST(MergeNotes, NoneForAScenarioThatWasNotMerged) {
    EXPECT_TRUE(reports::merge_notes(shard(1, 1).report.scenarios[0]).empty());
}

TEST(MergeNotes, ChecklistAndHtmlShowThem) {
    const auto merged = reports::merge_runs(shards(2, 4));
    const std::string md = reports::render_markdown(merged);
    EXPECT_THAT(md, HasSubstr("\n## Shards\n\n### `load`\n\n- Merged from 2 parts:\n"));
    EXPECT_THAT(md, HasSubstr("up to 25 µs of clock skew"));
    const std::string html = reports::render_html(merged);
    EXPECT_THAT(html, HasSubstr("<ul class=\"merge-notes\">"));
    EXPECT_THAT(html, HasSubstr("up to 25 µs of clock skew"));
    EXPECT_THAT(reports::render_markdown(shard(1, 1).report), Not(HasSubstr("## Shards")));
}

}  // namespace
