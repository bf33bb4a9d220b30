// One scenario of report.html: metrics table, charts, per-call table and attachments.
#include <limits>
#include <string>
#include <utility>

#include "html/charts.hpp"
#include "html/sections.hpp"
#include "reports/merge.hpp"
#include "text.hpp"

namespace reports::html {

namespace {

constexpr const char* kHistogramMetrics[] = {"ttft", "itl", "relay_lag"};

const Distribution* find_metric(const ScenarioResult& s, std::string_view key) {
    for (const auto& d : s.metrics) {
        if (d.name == key) return &d;
    }
    return nullptr;
}

void metrics_table(Markup& m, const ScenarioResult& s) {
    if (s.metrics.empty()) return;
    m.open("div", {{"class", "scroll"}}).open("table", {{"class", "metrics"}});
    m.open("thead").open("tr").element("th", {}, "metric");
    for (const char* h : {"n", "p50", "p90", "p99", "max", "mean"}) {
        m.element("th", {{"class", "num"}}, h);
    }
    m.close().close().open("tbody");
    for (const auto& d : s.metrics) {
        m.open("tr", {{"data-metric", d.name}});
        m.element("td", {}, std::string(metric_label(d.name)) + " (" + d.unit + ")");
        m.element("td", {{"class", "num"}}, std::to_string(d.count));
        for (double v : {d.p50, d.p90, d.p99, d.max, d.mean}) {
            m.element("td", {{"class", "num"}}, figure(v));
        }
        m.close();
    }
    m.close().close().close();
}

// A merged scenario's parts, clocks, relay-lag skew bound and percentile source.
void merge_notes_list(Markup& m, const ScenarioResult& s) {
    const auto notes = merge_notes(s);
    if (notes.empty()) return;
    m.open("ul", {{"class", "merge-notes"}});
    for (const auto& line : notes) m.element("li", {}, line);
    m.close();
}

void chart(Markup& m, const std::string& svg, bool wide) {
    m.open("div", {{"class", wide ? "chart wide" : "chart"}}).trusted(svg).close();
}

void charts(Markup& m, const ScenarioResult& s) {
    m.open("div", {{"class", "charts"}});
    bool any_histogram = false;
    for (const char* key : kHistogramMetrics) {
        const auto* d = find_metric(s, key);
        if (d == nullptr || d->histogram.empty()) continue;
        chart(m, histogram_chart(*d, s.name), false);
        any_histogram = true;
    }
    if (!any_histogram) {
        m.element("p", {{"class", "note no-histograms"}},
                  "No histograms: this report has no latency buckets for the scenario (a "
                  "report.json of schema 1, or no tokens were measured).");
    }
    const auto timeline = timeline_chart(s);
    const auto rate = throughput_chart(s);
    if (!rate.empty()) chart(m, rate, false);
    if (!timeline.empty()) chart(m, timeline, true);
    if (timeline.empty() && rate.empty()) {
        m.element("p", {{"class", "note no-samples"}},
                  "No timeline or tokens/s: no raw samples for this scenario (samples.jsonl "
                  "missing or empty, or no call streamed a token).");
    }
    m.close();
}

// A numeric cell that sorts by its value; unknown values show "—" and sort last.
void number_cell(Markup& m, double v, bool known) {
    const std::string sort_key = known ? text::fixed(v, 3) : "1e300";
    m.element("td", {{"class", "num"}, {"data-v", sort_key}}, known ? figure(v) : "—");
}

void count_cell(Markup& m, std::size_t n) {
    m.element("td", {{"class", "num"}, {"data-v", std::to_string(n)}}, std::to_string(n));
}

void calls_table(Markup& m, const ScenarioResult& s) {
    if (s.samples.empty()) return;
    m.element("h3", {}, "Calls (click a column to sort)");
    m.open("div", {{"class", "scroll"}}).open("table", {{"class", "calls sortable"}});
    m.open("thead").open("tr");
    // data-key: the column's name in a #sort=KEY link (see kScript).
    constexpr std::pair<const char*, const char*> kColumns[] = {
        {"call", "call"},          {"client", "client"}, {"patient", "patient"},
        {"outcome", "outcome"},    {"tokens", "tokens"}, {"ttft", "TTFT (ms)"},
        {"e2e", "end-to-end (ms)"}};
    for (const auto& [key, title] : kColumns) m.element("th", {{"data-key", key}}, title);
    m.close().close().open("tbody");
    for (const auto& c : s.samples) {
        const bool sent = c.sent_us >= 0;
        m.open("tr", {{"class", "call"}});
        m.element("td", {}, c.call);
        count_cell(m, c.client);
        m.element("td", {}, c.patient_id);
        m.element("td", {{"class", "outcome o-" + c.outcome}}, c.outcome);
        count_cell(m, c.arrived_us.size());
        const bool has_ttft = sent && !c.arrived_us.empty();
        number_cell(m, has_ttft ? static_cast<double>(c.arrived_us.front() - c.sent_us) / 1e3 : 0,
                    has_ttft);
        const bool has_e2e = sent && c.response_us >= 0;
        number_cell(m, has_e2e ? static_cast<double>(c.response_us - c.sent_us) / 1e3 : 0, has_e2e);
        m.close();
    }
    m.close().close().close();
}

void attachments(Markup& m, const ScenarioResult& s) {
    for (const auto& [name, body] : s.attachments) {
        m.open("details", {{"class", "attachment"}});
        m.element("summary", {}, name);
        m.element("pre", {}, text::visible_multiline(body));
        m.close();
    }
}

}  // namespace

void scenario_section(Markup& m, const ScenarioResult& s) {
    m.open("section", {{"class", "scenario"}, {"data-scenario", s.name}});
    m.element("h2", {}, "Scenario " + s.name + " (" + seconds(s.seconds) + ")");
    m.open("p", {{"class", "muted"}}).element("code", {}, s.file).text(" " + s.description);
    m.close();
    if (!s.harness_error.empty()) {
        m.element("p", {{"class", "harness-error s-error"}}, "harness error: " + s.harness_error);
    }
    metrics_table(m, s);
    merge_notes_list(m, s);
    charts(m, s);
    calls_table(m, s);
    attachments(m, s);
    m.close();
}

}  // namespace reports::html
