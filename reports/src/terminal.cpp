#include "reports/terminal.hpp"

#include <algorithm>
#include <string_view>

#include "aggregate.hpp"
#include "text.hpp"

namespace reports {

namespace {

constexpr std::size_t kMaxValue = 60;
constexpr std::size_t kMaxProse = 160;

struct Painter {
    bool color = false;
    std::string operator()(std::string_view code, std::string_view s) const {
        if (!color) return std::string(s);
        return "\x1b[" + std::string(code) + "m" + std::string(s) + "\x1b[0m";
    }
};

constexpr std::string_view kGreen = "32";
constexpr std::string_view kRed = "1;31";
constexpr std::string_view kMagenta = "1;35";
constexpr std::string_view kYellow = "33";
constexpr std::string_view kDim = "2";

std::string tag(Status s, const Painter& paint) {
    switch (s) {
        case Status::passed:
            return paint(kGreen, "PASS ");
        case Status::failed:
            return paint(kRed, "FAIL ");
        case Status::error:
            return paint(kMagenta, "ERROR");
        case Status::skipped:
            return paint(kDim, "SKIP ");
        case Status::expected_failure:
            return paint(kYellow, "XFAIL");
    }
    return "ERROR";
}

std::string prose(std::string_view s) {
    return text::truncate(text::one_line(s), kMaxProse);
}

std::string first_evidence(const CheckResult& c) {
    if (c.evidence.empty()) return {};
    const Evidence& e = c.evidence.front();
    std::string line;
    if (!e.call.empty()) line += "call " + text::visible(text::truncate(e.call, kMaxValue));
    if (e.token_index) {
        line += (line.empty() ? "" : ", ") + std::string("token ") + std::to_string(*e.token_index);
    }
    if (!e.expected.empty() || !e.got.empty()) {
        const text::Excerpts x = text::excerpts(e.expected, e.got, kMaxValue);
        // As the checks wrote them (values come quoted), as in junit.xml and checklist.md.
        line += (line.empty() ? "" : ": ") + std::string("expected ") + text::visible(x.expected) +
                ", got " + text::visible(x.got);
    }
    if (!e.detail.empty()) line += (line.empty() ? "" : " — ") + prose(e.detail);
    if (c.evidence.size() > 1) line += " (+" + std::to_string(c.evidence.size() - 1) + " more)";
    return line;
}

}  // namespace

std::string render_terminal_summary(const RunReport& report, bool color) {
    const Painter paint{color};
    const auto checks = detail::aggregate_checks(report);
    const Counts c = report.counts();

    std::size_t width = kSuiteAllPass.size();
    for (const auto& a : checks) width = std::max(width, a.id.size());

    std::string out = "mcp-harness";
    if (!report.tool_version.empty()) out += " " + prose(report.tool_version);
    out += " · " + std::to_string(report.scenarios.size()) +
           (report.scenarios.size() == 1 ? " scenario" : " scenarios") + " · " +
           text::duration(report.seconds) + "\n";

    for (const auto& a : checks) {
        const std::string id = text::visible(a.id);
        out += "  " + tag(a.status, paint) + "  " + id +
               std::string(width > id.size() ? width - id.size() : 0, ' ');
        if (!a.title.empty()) out += "  " + prose(a.title);
        const std::string count =
            detail::item_count(a.passed_items, a.total_items, a.item_unit, a.instances.size());
        if (!count.empty()) out += " " + prose(count);
        out += "\n";
        for (const auto& in : a.instances) {
            const CheckResult& chk = *in.check;
            const bool show = chk.status == Status::failed || chk.status == Status::error;
            if (show) {
                out += "         " + text::visible(in.scenario->name) + ": " +
                       std::string(to_string(chk.status));
                if (!chk.message.empty()) out += " — " + prose(chk.message);
                out += "\n";
                const std::string ev = first_evidence(chk);
                if (!ev.empty()) out += "           " + ev + "\n";
            }
            for (const auto& w : chk.warnings) {
                out += "         " + paint(kYellow, "warning") + " " +
                       text::visible(in.scenario->name) + ": " + prose(w) + "\n";
            }
        }
    }
    for (const auto& s : report.scenarios) {
        if (s.harness_error.empty()) continue;
        out += "  " + paint(kMagenta, "ERROR") + "  harness: " + text::visible(s.name) + ": " +
               prose(s.harness_error) + "\n";
    }
    if (c.now_passing_in_baseline > 0) {
        std::string list;
        for (const auto& s : report.scenarios) {
            for (const auto& chk : s.checks) {
                if (!chk.now_passing_in_baseline) continue;
                list += (list.empty() ? "" : ", ") + text::visible(s.name) + " " +
                        text::visible(chk.id);
            }
        }
        out += "baseline: " + std::to_string(c.now_passing_in_baseline) +
               (c.now_passing_in_baseline == 1 ? " entry passes" : " entries pass") +
               " now, remove from the baseline: " + list + "\n";
    }

    return out + render_terminal_verdict(report, color);
}

std::string render_terminal_verdict(const RunReport& report, bool color) {
    const Painter paint{color};
    const Counts c = report.counts();
    const int code = exit_code(report);
    std::string verdict;
    if (code == 0) {
        verdict = paint(kGreen, "PASSED");
    } else if (code == 1) {
        verdict = paint(kRed, "FAILED");
    } else {
        verdict =
            paint(kMagenta, c.checks == 0 && c.harness_errors == 0 ? "INCOMPLETE (no check ran)"
                                                                   : "INCOMPLETE (harness errors)");
    }
    return verdict + " — " + std::to_string(c.passed) + " passed, " + std::to_string(c.failed) +
           " failed, " + std::to_string(c.errors) + (c.errors == 1 ? " error, " : " errors, ") +
           std::to_string(c.skipped) + " skipped, " + std::to_string(c.expected_failures) +
           (c.expected_failures == 1 ? " expected failure" : " expected failures") +
           " (exit code " + std::to_string(code) + ")\n";
}

}  // namespace reports
