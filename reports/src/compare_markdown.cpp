// compare.md: the regression gate's verdict, then one table per scenario.
#include <cmath>
#include <sstream>

#include "reports/compare.hpp"
#include "text.hpp"

namespace reports {

namespace {

std::string signed_number(double v) {
    return (v > 0 ? "+" : "") + text::number(v);
}

std::string change_cell(const MetricRow& r) {
    std::string out = signed_number(r.change) + " " + text::md_text(r.unit);
    if (std::isfinite(r.change_percent)) out += " (" + signed_number(r.change_percent) + " %)";
    return out;
}

std::string verdict_cell(Verdict v) {
    return v == Verdict::regression ? "**regression**" : std::string(to_string(v));
}

void metrics_table(std::ostringstream& md, const ScenarioComparison& s) {
    if (s.metrics.empty()) {
        md << "No metric on both sides.\n\n";
        return;
    }
    md << "| metric | old | new | change | limit | values old/new | verdict |\n"
       << "|---|---:|---:|---:|---|---:|---|\n";
    for (const auto& r : s.metrics) {
        md << "| " << text::md_code(r.metric + "." + std::string(to_string(r.statistic))) << " | "
           << text::number(r.old_value) << " | " << text::number(r.new_value) << " | "
           << change_cell(r)
           << " | "
           // describe() spells catalog metrics and numbers only: nothing Markdown-active.
           << (r.threshold ? describe(*r.threshold) : "–") << " | " << r.old_count << "/"
           << r.new_count << " | " << verdict_cell(r.verdict) << " |\n";
    }
    md << '\n';
}

void checks_lines(std::ostringstream& md, const ScenarioComparison& s) {
    for (const auto& c : s.checks) {
        if (c.old_status == c.new_status) continue;
        md << "- check " << text::md_code(c.id) << ": " << to_string(c.old_status) << " → "
           << to_string(c.new_status) << " (" << verdict_cell(c.verdict) << ")\n";
    }
    if (!s.new_harness_error.empty()) {
        md << "- the scenario did not run to the end (**regression**): "
           << text::md_text(text::headline(s.new_harness_error, 300)) << '\n';
    }
}

void noise_line(std::ostringstream& md, const CompareOptions& o) {
    md << "Noise: a change under";
    bool first = true;
    for (const auto& [unit, v] : o.min_change) {
        md << (first ? " " : " or ") << text::number(v) << ' ' << text::md_text(unit);
        first = false;
    }
    md << " is neither a regression nor an improvement; fewer than " << o.min_count
       << " values on either side is not enough data.\n\n";
}

void one_sided(std::ostringstream& md, const char* title, const std::vector<std::string>& names) {
    if (names.empty()) return;
    md << "**" << title << "** (not compared):";
    for (const auto& n : names) md << ' ' << text::md_code(n);
    md << "\n\n";
}

}  // namespace

std::string render_compare_markdown(const Comparison& c, std::string_view old_label,
                                    std::string_view new_label) {
    std::ostringstream md;
    md << "# Regression gate\n\n"
       << "OLD " << text::md_code(old_label) << " → NEW " << text::md_code(new_label) << "\n\n";
    const std::size_t n = c.regressions();
    if (n == 0) {
        md << "**no regression**\n\n";
    } else {
        md << "**" << n << " regression" << (n == 1 ? "" : "s") << "**:";
        for (const auto& s : c.scenarios) {
            for (const auto& r : s.metrics) {
                if (r.verdict != Verdict::regression) continue;
                md << ' '
                   << text::md_code(s.name + ": " + r.metric + "." +
                                    std::string(to_string(r.statistic)));
            }
            for (const auto& ch : s.checks) {
                if (ch.verdict == Verdict::regression)
                    md << ' ' << text::md_code(s.name + ": " + ch.id);
            }
        }
        md << "\n\n";
    }
    md << "Limits:";
    const char* sep = " ";
    for (const auto& t : c.options.thresholds) {
        md << sep << describe(t);
        sep = "; ";
    }
    md << (c.options.thresholds.empty() ? " none" : "") << "\n\n";
    noise_line(md, c.options);
    for (const auto& s : c.scenarios) {
        md << "## " << text::md_text(s.name) << "\n\n";
        metrics_table(md, s);
        checks_lines(md, s);
        md << '\n';
    }
    one_sided(md, "Only in OLD", c.only_old);
    one_sided(md, "Only in NEW", c.only_new);
    return md.str();
}

}  // namespace reports
