#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "html_dom.hpp"
#include "reports/html.hpp"

namespace {

using html_test::all_text;
using html_test::find_all;

const std::string kHostile = "</td></tr></table><script>alert('pwn')</script> & \"q\" <!--";

TEST(HtmlPage, IsWellFormedWithEveryCheckAndItsStateAndTheRollup) {
    const auto r = html_test::with_samples();
    const auto root = xml_tree::parse(reports::render_html(r));
    const auto rows = find_all(root, "tr", "check");
    ASSERT_EQ(rows.size(), 5U);  // 3 + 1 checks, then suite.all_pass
    EXPECT_EQ(rows[0]->at("data-id"), "stream.upstream_streaming");
    EXPECT_EQ(rows[4]->at("data-id"), "suite.all_pass");
    EXPECT_EQ(rows[4]->at("data-status"), "failed");
    int failed = 0;
    for (const auto* row : rows) {
        if (row->at("data-id") == "stream.order") {
            EXPECT_EQ(row->at("data-status"), "failed");
            EXPECT_NE(all_text(*row).find("11/12 calls"), std::string::npos);
            ++failed;
        }
    }
    EXPECT_EQ(failed, 1);
    const auto verdict = find_all(root, "span", "verdict");
    ASSERT_EQ(verdict.size(), 1U);
    EXPECT_EQ(all_text(*verdict[0]), "FAILED");
}

TEST(HtmlPage, EvidenceShowsCallTokenExpectedGotAndDetail) {
    const auto root = xml_tree::parse(reports::render_html(html_test::with_samples()));
    const auto ev = find_all(root, "li", "evidence");
    ASSERT_EQ(ev.size(), 1U);
    const auto t = all_text(*ev[0]);
    for (const char* part : {"summarize#3", "token #17", "Blood", "pressure", "position 92"}) {
        EXPECT_NE(t.find(part), std::string::npos) << part << " in " << t;
    }
}

TEST(HtmlPage, HostileMessagesEvidenceNamesAndLogsStayText) {
    auto r = html_test::with_samples();
    auto& s = r.scenarios[0];
    s.name = kHostile;
    s.description = kHostile;
    s.checks[2].message = kHostile;
    s.checks[2].evidence[0] = {kHostile, 1, kHostile, kHostile, kHostile};
    s.checks[2].warnings = {kHostile};
    s.attachments = {{kHostile, kHostile + "\nsecond line"}};
    s.samples[0].call = kHostile;
    s.samples[0].patient_id = kHostile;
    r.options[kHostile] = kHostile;
    const auto page = reports::render_html(r);
    EXPECT_EQ(page.find("<script>alert"), std::string::npos);
    EXPECT_EQ(page.find("<script"), page.rfind("<script"));  // our own script only
    const auto root = xml_tree::parse(page);                 // nothing closed early, nothing opened
    EXPECT_EQ(find_all(root, "table", "").size(), 4U);       // checklist, 2 metrics, 1 calls
    const auto pre = find_all(root, "pre", "");
    ASSERT_EQ(pre.size(), 1U);
    EXPECT_EQ(pre[0]->text, kHostile + "\nsecond line");
    const auto msg = find_all(root, "td", "message");
    ASSERT_FALSE(msg.empty());
    EXPECT_EQ(msg[2]->text, kHostile);
    const auto sections = find_all(root, "section", "scenario");
    ASSERT_EQ(sections.size(), 2U);
    EXPECT_EQ(sections[0]->at("data-scenario"), kHostile);
}

TEST(HtmlPage, ScenarioWithoutHistogramsOrSamplesSaysSo) {
    const auto root = xml_tree::parse(reports::render_html(html_test::with_samples()));
    const auto sections = find_all(root, "section", "scenario");
    ASSERT_EQ(sections.size(), 2U);
    EXPECT_EQ(find_all(*sections[0], "p", "no-histograms").size(), 0U);
    EXPECT_EQ(find_all(*sections[0], "p", "no-samples").size(), 0U);
    EXPECT_EQ(find_all(*sections[1], "svg", "").size(), 0U);
    EXPECT_EQ(find_all(*sections[1], "p", "no-histograms").size(), 1U);
    EXPECT_EQ(find_all(*sections[1], "p", "no-samples").size(), 1U);
    EXPECT_EQ(find_all(*sections[1], "table", "calls").size(), 0U);
}

TEST(HtmlPage, CallsTableHasOneSortableRowPerCallWithTtft) {
    const auto root = xml_tree::parse(reports::render_html(html_test::with_samples()));
    const auto tables = find_all(root, "table", "sortable");
    ASSERT_EQ(tables.size(), 1U);
    const auto rows = find_all(*tables[0], "tr", "call");
    ASSERT_EQ(rows.size(), 7U);
    // TTFT of html_test::call: first arrival 52 ms after sending.
    const auto cells = find_all(*rows[0], "td", "");
    ASSERT_EQ(cells.size(), 7U);
    EXPECT_EQ(cells[5]->at("data-v"), "52.000");
    EXPECT_EQ(cells[5]->text, "52.0");
}

TEST(HtmlPage, NonFiniteFiguresNeverPrintAsNan) {
    auto r = html_test::with_samples();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.seconds = nan;
    r.scenarios[0].metrics[0].p99 = nan;
    r.scenarios[0].metrics[0].mean = std::numeric_limits<double>::infinity();
    const auto page = reports::render_html(r);
    EXPECT_EQ(page.find("nan"), std::string::npos);
    EXPECT_EQ(page.find(">inf"), std::string::npos);
    xml_tree::parse(page);
}

}  // namespace
