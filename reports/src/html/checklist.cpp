// The run summary and the checklist of report.html.
#include <algorithm>
#include <string>
#include <vector>

#include "html/sections.hpp"
#include "text.hpp"

namespace reports::html {

namespace {

std::string state_label(Status s) {
    switch (s) {
        case Status::passed:
            return "✔ passed";
        case Status::failed:
            return "✘ failed";
        case Status::skipped:
            return "– skipped";
        case Status::error:
            return "⚠ error";
        case Status::expected_failure:
            return "✘ expected failure";
    }
    return std::string(to_string(s));
}

std::string option_value(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    if (v.is_number_float()) return figure(v.get<double>());
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void evidence_item(Markup& m, const Evidence& e) {
    m.open("li", {{"class", "evidence"}});
    if (!e.call.empty()) m.element("span", {{"class", "call"}}, e.call + " ");
    if (e.token_index) {
        m.element("span", {{"class", "token"}}, "token #" + std::to_string(*e.token_index) + " ");
    }
    if (!e.expected.empty() || !e.got.empty()) {
        const auto ex = text::excerpts(e.expected, e.got, 400);
        m.text("expected: ").element("code", {{"class", "expected"}}, text::visible(ex.expected));
        m.text(" got: ").element("code", {{"class", "got"}}, text::visible(ex.got));
        m.text(" ");
    }
    if (!e.detail.empty()) m.element("span", {{"class", "detail"}}, e.detail);
    m.close();
}

// A check's row, and under it a row with its evidence and warnings when it has any.
void check_rows(Markup& m, const ScenarioResult& s, const CheckResult& c) {
    const std::string status(to_string(c.status));
    m.open("tr", {{"class", "check"},
                  {"data-id", c.id},
                  {"data-scenario", s.name},
                  {"data-status", status}});
    m.element("td", {{"class", "state s-" + status}}, state_label(c.status));
    m.open("td").element("code", {}, c.id).close();
    m.element("td", {}, c.title.empty() ? std::string(catalog_title(c.id)) : c.title);
    m.element("td", {}, s.name);
    m.element("td", {{"class", "num"}},
              c.total_items == 0 ? "n/a"
                                 : std::to_string(c.passed_items) + "/" +
                                       std::to_string(c.total_items) + " " + c.item_unit);
    m.element("td", {{"class", "message"}}, c.message);
    m.close();
    if (c.evidence.empty() && c.warnings.empty()) return;
    m.open("tr", {{"class", "check-detail"}, {"data-id", c.id}, {"data-scenario", s.name}});
    m.open("td", {{"colspan", "6"}}).open("ul", {{"class", "evidence"}});
    for (const auto& e : c.evidence) evidence_item(m, e);
    for (const auto& w : c.warnings) m.element("li", {{"class", "warning"}}, "warning: " + w);
    m.close().close().close();
}

}  // namespace

void run_summary(Markup& m, const RunReport& report) {
    const Counts n = report.counts();
    const bool ok = report.all_passed();
    m.open("header");
    m.open("h1").text("mcp-harness report ");
    m.element("span",
              {{"class", std::string("verdict ") + (ok ? "passed" : "failed")},
               {"data-exit-code", std::to_string(exit_code(report))}},
              ok ? "PASSED" : (exit_code(report) == 2 ? "INCOMPLETE" : "FAILED"));
    m.close();
    m.element("p", {{"class", "counts"}},
              std::to_string(n.passed) + " passed · " + std::to_string(n.failed) + " failed · " +
                  std::to_string(n.errors) + " errors · " + std::to_string(n.skipped) +
                  " skipped · " + std::to_string(n.expected_failures) + " expected failures — " +
                  std::to_string(report.scenarios.size()) + " scenario(s) in " +
                  seconds(report.seconds) + " · mcp-harness " + report.tool_version +
                  " · started " + report.started_at);
    m.open("div", {{"class", "options"}});
    for (const auto& [key, value] : report.options.items()) {
        const auto v = option_value(value);
        if (v.empty()) continue;  // not given
        m.open("span").element("b", {}, key + " ").text(v).close();
    }
    m.close().close();
}

void checklist(Markup& m, const RunReport& report) {
    struct Row {
        const ScenarioResult* s;
        const CheckResult* c;
    };
    std::vector<Row> rows;
    for (const auto& s : report.scenarios) {
        for (const auto& c : s.checks) rows.push_back({&s, &c});
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return catalog_rank(a.c->id) < catalog_rank(b.c->id);
    });
    m.element("h2", {{"id", "checklist"}}, "Checklist");
    m.open("div", {{"class", "scroll"}}).open("table", {{"class", "checklist"}});
    m.open("thead").open("tr");
    for (const char* h : {"state", "check", "title", "scenario", "items", "message"}) {
        m.element("th", {}, h);
    }
    m.close().close().open("tbody");
    for (const auto& r : rows) check_rows(m, *r.s, *r.c);
    const bool ok = report.all_passed();
    const std::string status = ok ? "passed" : "failed";
    m.open("tr", {{"class", "check"},
                  {"data-id", std::string(kSuiteAllPass)},
                  {"data-scenario", ""},
                  {"data-status", status}});
    m.element("td", {{"class", "state s-" + status}},
              state_label(ok ? Status::passed : Status::failed));
    m.open("td").element("code", {}, std::string(kSuiteAllPass)).close();
    m.element("td", {}, std::string(catalog_title(kSuiteAllPass)));
    m.element("td", {}, "(run)");
    m.element("td", {{"class", "num"}}, std::to_string(report.counts().checks) + " checks");
    m.element("td", {}, "");
    m.close().close().close().close();
}

}  // namespace reports::html
