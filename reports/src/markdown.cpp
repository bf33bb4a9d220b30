#include "reports/markdown.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include "aggregate.hpp"
#include "reports/merge.hpp"
#include "text.hpp"

namespace reports {

namespace {

using detail::AggregatedCheck;
using detail::Instance;

constexpr std::size_t kMaxEvidence = 10;  // per scenario and check; the rest is in report.json
constexpr std::size_t kMaxValue = 80;     // code points of expected / got shown
constexpr std::size_t kMaxProse = 300;    // code points of a message, detail or warning

// For readers: to_string(s), with the two statuses that need it explained.
std::string status_words(Status s) {
    if (s == Status::error) return "error (not decided)";
    if (s == Status::expected_failure) return "expected failure (baseline)";
    return std::string(to_string(s));
}

// The marker after a check line; nothing for a pass. Prose per status, not its name: a switch,
// so -Wswitch flags a status added without its marker.
std::string status_suffix(Status s) {
    switch (s) {
        case Status::passed:
            return "";
        case Status::failed:
            return " — **FAILED**";
        case Status::error:
            return " — **ERROR** (not decided)";
        case Status::skipped:
            return " — *skipped*";
        case Status::expected_failure:
            return " — *expected failure (baseline)*";
    }
    return "";
}

std::string prose(std::string_view s) {
    return text::md_text(text::truncate(s, kMaxProse));
}

std::string evidence_line(const Evidence& e) {
    std::string where;
    if (!e.call.empty()) where += "call " + text::md_code(text::truncate(e.call, kMaxValue));
    if (e.token_index) {
        if (!where.empty()) where += ", ";
        where += "token " + std::to_string(*e.token_index);
    }
    std::string what;
    if (!e.expected.empty() || !e.got.empty()) {
        const text::Excerpts x = text::excerpts(e.expected, e.got, kMaxValue);
        what = "expected " + text::md_code(x.expected) + ", got " + text::md_code(x.got);
        if (x.first_difference) {
            what += " (first difference at character " + std::to_string(*x.first_difference) + ")";
        }
    }
    std::string line = where;
    if (!what.empty()) line += (line.empty() ? "" : ": ") + what;
    if (!e.detail.empty()) line += (line.empty() ? "" : " — ") + prose(e.detail);
    return line.empty() ? "(no detail)" : line;
}

void render_instance(std::string& out, const Instance& in) {
    const CheckResult& c = *in.check;
    out += "  - " + text::md_code(in.scenario->name) + ": " + status_words(c.status);
    const std::string count = detail::item_count(c.passed_items, c.total_items, c.item_unit, 1);
    if (!count.empty()) out += " " + text::md_text(count);
    if (!c.message.empty()) out += " — " + prose(c.message);
    if (c.now_passing_in_baseline) out += " — listed in the baseline, passes now";
    out += "\n";
    if (c.status != Status::passed) {
        const std::size_t shown = std::min(c.evidence.size(), kMaxEvidence);
        for (std::size_t i = 0; i < shown; ++i)
            out += "    - " + evidence_line(c.evidence[i]) + "\n";
        if (c.evidence.size() > shown) {
            out += "    - … and " + std::to_string(c.evidence.size() - shown) +
                   " more (see report.json)\n";
        }
    }
    for (const auto& w : c.warnings) out += "    - ⚠️ warning: " + prose(w) + "\n";
}

void render_check(std::string& out, const AggregatedCheck& a) {
    out += a.status == Status::passed ? "- [x] " : "- [ ] ";
    out += text::md_code(a.id);
    if (!a.title.empty()) out += " — " + prose(a.title);
    const std::string count =
        detail::item_count(a.passed_items, a.total_items, a.item_unit, a.instances.size());
    if (!count.empty()) out += " " + text::md_text(count);
    out += status_suffix(a.status) + "\n";
    // Detail per scenario when there is something to tell.
    if (a.instances.size() > 1 || a.status != Status::passed || a.has_warnings ||
        a.now_passing_in_baseline) {
        for (const auto& in : a.instances) render_instance(out, in);
    }
}

void render_rollup(std::string& out, const RunReport& report,
                   const std::vector<AggregatedCheck>& checks) {
    std::size_t ok = 0;
    for (const auto& a : checks) ok += detail::is_ok(a.status) ? 1 : 0;
    const Counts c = report.counts();
    out += report.all_passed() ? "- [x] " : "- [ ] ";
    out += text::md_code(kSuiteAllPass) + " — " + prose(catalog_title(kSuiteAllPass));
    out += " (" + std::to_string(ok) + "/" + std::to_string(checks.size()) + " checks)";
    if (c.harness_errors > 0) {
        out += " — **INCOMPLETE**: harness error in " + std::to_string(c.harness_errors) +
               (c.harness_errors == 1 ? " scenario" : " scenarios");
    } else if (c.checks == 0) {
        out += " — **INCOMPLETE**: no check ran";
    } else if (!report.all_passed()) {
        out += " — **FAILED**";
    }
    out += "\n";
}

std::string verdict_title(const RunReport& report) {
    const Counts c = report.counts();
    switch (exit_code(report)) {
        case 0:
            return "✅ mcp-harness checklist: PASSED";
        case 1:
            return "❌ mcp-harness checklist: FAILED (" + std::to_string(c.failed) +
                   (c.failed == 1 ? " check failed)" : " checks failed)");
        default:
            break;
    }
    if (c.checks == 0 && c.harness_errors == 0)
        return "⚠️ mcp-harness checklist: INCOMPLETE (no check ran)";
    return "⚠️ mcp-harness checklist: INCOMPLETE (harness errors)";
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// A run option as the Options line shows it; "" when it was not given (empty string, null,
// empty list). Floating-point values keep 4 significant digits (a CPU time of
// 0.41234567890123456 reads 0.4123), larger ones whole units, never an exponent.
std::string option_value(const nlohmann::json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if ((value.is_array() || value.is_object()) && value.empty()) return {};
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (!std::isfinite(v) || std::fabs(v) >= 1000) return text::fixed(v, 0);
        std::array<char, 32> buf{};
        const auto r =
            std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 4);
        const std::string g(buf.data(), r.ptr);
        return g.find('e') == std::string::npos ? g : text::fixed(v, 6);
    }
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "key=value, ..." of the options that were given.
std::string options_text(const nlohmann::json& options) {
    std::string opts;
    if (!options.is_object()) return opts;
    for (const auto& [key, value] : options.items()) {
        const std::string shown = option_value(value);
        if (shown.empty()) continue;
        if (!opts.empty()) opts += ", ";
        opts += key + "=" + shown;
    }
    return opts;
}

void render_summary(std::string& out, const RunReport& report) {
    const Counts c = report.counts();
    out += plural(c.passed, "passed", "passed") + " · " + plural(c.failed, "failed", "failed") +
           " · " + plural(c.errors, "error", "errors") + " · " +
           plural(c.skipped, "skipped", "skipped") + " · " +
           plural(c.expected_failures, "expected failure", "expected failures");
    out += " — " + plural(report.scenarios.size(), "scenario", "scenarios") + " in " +
           text::duration(report.seconds);
    if (!report.tool_version.empty()) out += " · mcp-harness " + prose(report.tool_version);
    if (!report.started_at.empty()) out += " · started " + prose(report.started_at);
    out += "\n";
    const std::string opts = options_text(report.options);
    if (!opts.empty()) out += "\nOptions: " + prose(opts) + "\n";
}

// Whether a section has anything to show.
template <class Pred>
bool any_scenario(const RunReport& report, Pred pred) {
    return std::any_of(report.scenarios.begin(), report.scenarios.end(), pred);
}

void render_harness_errors(std::string& out, const RunReport& report) {
    if (!any_scenario(report, [](const ScenarioResult& s) { return !s.harness_error.empty(); }))
        return;
    out += "\n## Harness errors\n\n";
    for (const auto& s : report.scenarios) {
        if (s.harness_error.empty()) continue;
        out += "- " + text::md_code(s.name) + ": " + prose(s.harness_error) + "\n";
    }
}

void render_metrics(std::string& out, const RunReport& report) {
    if (!any_scenario(report, [](const ScenarioResult& s) { return !s.metrics.empty(); })) return;
    out += "\n## Metrics\n";
    for (const auto& s : report.scenarios) {
        if (s.metrics.empty()) continue;
        out += "\n### " + text::md_code(s.name) + " (" + text::duration(s.seconds) + ")\n\n";
        out += "| metric | n | p50 | p90 | p99 | max | mean |\n";
        out += "|:--|--:|--:|--:|--:|--:|--:|\n";
        for (const auto& m : s.metrics) {
            std::string label(metric_label(m.name));
            if (!m.unit.empty()) label += " (" + m.unit + ")";
            out += "| " + prose(label) + " | " + std::to_string(m.count);
            for (double v : {m.p50, m.p90, m.p99, m.max, m.mean}) {
                out += " | " + (m.count == 0 ? std::string("–") : text::number(v));
            }
            out += " |\n";
        }
    }
}

// A merged run's parts per scenario: their clocks, the relay-lag skew bound, where the
// percentiles come from (reports::merge_notes).
void render_merge_notes(std::string& out, const RunReport& report) {
    if (!any_scenario(report, [](const ScenarioResult& s) { return !merge_notes(s).empty(); }))
        return;
    out += "\n## Shards\n";
    for (const auto& s : report.scenarios) {
        const auto notes = merge_notes(s);
        if (notes.empty()) continue;
        out += "\n### " + text::md_code(s.name) + "\n\n";
        for (const auto& line : notes) out += "- " + prose(line) + "\n";
    }
}

void render_definitions(std::string& out) {
    out += "\n## Definitions\n\n";
    for (const auto& d : metric_definitions()) {
        out += "- **" + std::string(d.label) + "** — " + std::string(d.definition) + ".\n";
    }
    out +=
        "- **p50 / p90 / p99** — nearest-rank percentiles over the scenario's samples (one per "
        "call, or one per token for ITL and relay lag); **n** is the number of samples.\n";
}

void render_baseline(std::string& out, const RunReport& report) {
    const Counts c = report.counts();
    if (c.expected_failures == 0 && c.now_passing_in_baseline == 0) return;
    out += "\n## Baseline\n";
    if (c.expected_failures > 0) {
        out += "\nExpected failures (listed in the baseline, not counted against the run):\n\n";
        for (const auto& s : report.scenarios) {
            for (const auto& chk : s.checks) {
                if (chk.status != Status::expected_failure) continue;
                out += "- " + text::md_code(s.name) + " " + text::md_code(chk.id);
                if (!chk.message.empty()) out += " — " + prose(chk.message);
                out += "\n";
            }
        }
    }
    if (c.now_passing_in_baseline > 0) {
        out += "\nNow passing — remove these entries from the baseline:\n\n";
        for (const auto& s : report.scenarios) {
            for (const auto& chk : s.checks) {
                if (!chk.now_passing_in_baseline) continue;
                out += "- " + text::md_code(s.name) + " " + text::md_code(chk.id) + "\n";
            }
        }
    }
}

void render_attachments(std::string& out, const RunReport& report) {
    if (!any_scenario(report, [](const ScenarioResult& s) { return !s.attachments.empty(); }))
        return;
    out += "\n## Attachments\n";
    for (const auto& s : report.scenarios) {
        for (const auto& [name, body] : s.attachments) {
            out += "\n<details><summary>" + text::html_text(s.name) + ": " + text::html_text(name) +
                   "</summary>\n\n";
            out += text::md_code_block(body, "text");
            out += "\n</details>\n";
        }
    }
}

}  // namespace

std::string render_markdown(const RunReport& report) {
    const std::vector<AggregatedCheck> checks = detail::aggregate_checks(report);
    std::string out = "# " + verdict_title(report) + "\n\n";
    render_summary(out, report);
    out += "\n## Checklist\n\n";
    for (const auto& a : checks) render_check(out, a);
    render_rollup(out, report, checks);
    render_harness_errors(out, report);
    render_metrics(out, report);
    render_merge_notes(out, report);
    render_definitions(out);
    render_baseline(out, report);
    render_attachments(out, report);
    return out;
}

}  // namespace reports
