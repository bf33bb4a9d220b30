#include "reports/junit.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <string_view>

#include "text.hpp"

namespace reports {

namespace {

constexpr std::size_t kMaxEvidence = 100;  // per testcase; the rest is in report.json
constexpr std::size_t kMaxMessage = 200;   // code points of a message attribute

std::string attr(std::string_view name, std::string_view value) {
    return " " + std::string(name) + "=\"" + text::xml_escape(value, true) + "\"";
}

// Seconds, three decimals, '.' (std::to_chars ignores the locale); never negative or NaN.
std::string seconds(double s) {
    if (!std::isfinite(s) || s < 0) s = 0;
    return text::fixed(s, 3);
}

// Fixed-width decimal field of `t` at `pos`, or -1.
int field(std::string_view t, std::size_t pos, std::size_t width) {
    if (pos + width > t.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (t[i] < '0' || t[i] > '9') return -1;
        v = v * 10 + (t[i] - '0');
    }
    return v;
}

std::string pad(long long v, std::size_t width) {
    std::string digits = std::to_string(v);
    return std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

// "2025-01-31T12:00:00.123+01:00" -> "2025-01-31T11:00:00": the JUnit schema's timestamp is
// xs:dateTime without a zone (what Jenkins and GitLab parse); UTC is implied. Empty when the
// input is not RFC 3339.
std::string junit_timestamp(std::string_view t) {
    namespace chr = std::chrono;
    const int y = field(t, 0, 4), mo = field(t, 5, 2), d = field(t, 8, 2);
    const int h = field(t, 11, 2), mi = field(t, 14, 2), s = field(t, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || t[4] != '-' || t[7] != '-' ||
        (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':' || h > 23 ||
        mi > 59 || s > 60) {
        return {};
    }
    const chr::year_month_day date{chr::year{y}, chr::month{static_cast<unsigned>(mo)},
                                   chr::day{static_cast<unsigned>(d)}};
    if (!date.ok()) return {};
    std::string_view rest = t.substr(19);
    if (!rest.empty() && rest.front() == '.') {
        const std::size_t end = rest.find_first_not_of("0123456789", 1);
        if (end == 1) return {};
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    }
    chr::minutes offset{0};
    if (rest == "Z" || rest == "z") {
        offset = chr::minutes{0};
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               field(rest, 1, 2) >= 0 && field(rest, 4, 2) >= 0) {
        offset =
            chr::minutes{(rest[0] == '+' ? 1 : -1) * (field(rest, 1, 2) * 60 + field(rest, 4, 2))};
    } else {
        return {};
    }
    const chr::sys_seconds utc =
        chr::sys_days{date} + chr::hours{h} + chr::minutes{mi} + chr::seconds{s} - offset;
    const chr::sys_days day = chr::floor<chr::days>(utc);
    const chr::year_month_day ymd{day};
    const chr::hh_mm_ss<chr::seconds> tod{utc - day};
    return pad(static_cast<int>(ymd.year()), 4) + "-" + pad(static_cast<unsigned>(ymd.month()), 2) +
           "-" + pad(static_cast<unsigned>(ymd.day()), 2) + "T" + pad(tod.hours().count(), 2) +
           ":" + pad(tod.minutes().count(), 2) + ":" + pad(tod.seconds().count(), 2);
}

std::string evidence_text(const CheckResult& c) {
    std::string out;
    if (!c.message.empty()) out += c.message + "\n";
    if (c.total_items > 0) {
        out += std::to_string(c.passed_items) + "/" + std::to_string(c.total_items) + " " +
               c.item_unit + " passed\n";
    }
    const std::size_t shown = std::min(c.evidence.size(), kMaxEvidence);
    for (std::size_t i = 0; i < shown; ++i) {
        const Evidence& e = c.evidence[i];
        out += "\n";
        std::string where;
        if (!e.call.empty()) where += "call " + text::visible(e.call);
        if (e.token_index) {
            where += (where.empty() ? "" : ", ") + std::string("token ") +
                     std::to_string(*e.token_index);
        }
        if (!where.empty()) out += where + "\n";
        if (!e.expected.empty() || !e.got.empty()) {
            // As the checks wrote them: a value comes quoted (checks::quote), a description
            // ("no row") does not, so quoting here again would print `""""` for "".
            // visible(): a stray newline or control character is the bug being reported.
            out += "  expected: " + text::visible(e.expected) + "\n";
            out += "  got:      " + text::visible(e.got) + "\n";
        }
        if (!e.detail.empty()) out += "  " + e.detail + "\n";
    }
    if (c.evidence.size() > shown) {
        out +=
            "\n... and " + std::to_string(c.evidence.size() - shown) + " more (see report.json)\n";
    }
    if (!c.warnings.empty()) out += "\n";
    for (const auto& w : c.warnings) out += "warning: " + w + "\n";
    return out;
}

std::string attachments_text(const ScenarioResult& s) {
    std::string out;
    for (const auto& [name, body] : s.attachments) {
        if (!out.empty()) out += "\n";
        out += "=== " + name + " ===\n" + body;
        if (!body.empty() && body.back() != '\n') out += "\n";
    }
    return out;
}

std::string system_out(const std::string& body, std::string_view indent) {
    if (body.empty()) return {};
    return std::string(indent) + "<system-out>" + text::xml_escape(body, false) + "</system-out>\n";
}

struct Case {
    std::string name;
    double time = 0;
    // element: "", "failure", "error", "skipped"
    std::string element;
    std::string message;
    std::string type;
    std::string body;
    std::string out;  // <system-out>
};

Case make_case(const CheckResult& c) {
    Case k;
    k.name = c.id;
    k.time = c.seconds;
    const std::string message = text::headline(c.message, kMaxMessage);
    // One case per status (failed and error share one: they differ only in their names), so
    // that the switch reads as the README's table of what JUnit gets.
    switch (c.status) {
        case Status::passed:
            if (c.now_passing_in_baseline) {
                k.out =
                    "passes now, but is listed in the baseline as an expected failure: "
                    "remove it from the baseline\n";
            }
            for (const auto& w : c.warnings) k.out += "warning: " + w + "\n";
            break;
        case Status::failed:
        case Status::error: {
            const bool failed = c.status == Status::failed;
            k.element = failed ? "failure" : "error";
            k.type = failed ? "check_failed" : "check_error";
            const char* fallback = failed ? "check failed" : "check could not be decided";
            k.message = message.empty() ? fallback : message;
            k.body = evidence_text(c);
            break;
        }
        case Status::skipped:
            k.element = "skipped";
            k.message = message;
            break;
        case Status::expected_failure:
            k.out =
                "expected failure (listed in the baseline): this check failed; it does not "
                "fail the run\n\n" +
                evidence_text(c);
            break;
    }
    return k;
}

}  // namespace

std::string render_junit(const RunReport& report) {
    std::set<std::pair<std::string, std::string>> used;  // (classname, name)
    const auto unique = [&used](const std::string& classname, const std::string& name) {
        std::string candidate = name;
        for (int n = 2; !used.emplace(classname, candidate).second; ++n) {
            candidate = name + " #" + std::to_string(n);
        }
        return candidate;
    };
    const std::string timestamp = junit_timestamp(report.started_at);

    // No `skipped` total on <testsuites>: Jenkins' junit-10.xsd refuses it there; each
    // <testsuite> carries its own, which GitLab and GitHub sum.
    std::size_t tests = 0, failures = 0, errors = 0;
    std::string suites;
    for (const auto& s : report.scenarios) {
        std::vector<Case> cases;
        if (!s.harness_error.empty()) {
            Case h;
            h.name = "harness";
            h.element = "error";
            h.type = "harness_error";
            h.message = text::headline(s.harness_error, kMaxMessage);
            h.body = s.harness_error + "\n";
            cases.push_back(std::move(h));
        }
        for (const auto& c : s.checks) cases.push_back(make_case(c));

        // Attachments: on the first non-passing testcase (GitLab shows testcase output only),
        // else at suite level.
        const std::string attached = attachments_text(s);
        bool attachments_placed = attached.empty();
        std::size_t f = 0, e = 0, sk = 0;
        std::string body;
        for (auto& k : cases) {
            if (k.element == "failure") ++f;
            if (k.element == "error") ++e;
            if (k.element == "skipped") ++sk;
            if (!attachments_placed && (k.element == "failure" || k.element == "error")) {
                if (!k.out.empty()) k.out += "\n";
                k.out += attached;
                attachments_placed = true;
            }
            body += "    <testcase" + attr("classname", s.name) +
                    attr("name", unique(s.name, k.name)) + attr("time", seconds(k.time));
            if (k.element.empty() && k.out.empty()) {
                body += "/>\n";
                continue;
            }
            body += ">\n";
            if (k.element == "skipped") {
                body += "      <skipped" + (k.message.empty() ? "" : attr("message", k.message)) +
                        "/>\n";
            } else if (!k.element.empty()) {
                body += "      <" + k.element + attr("message", k.message) + attr("type", k.type) +
                        ">" + text::xml_escape(k.body, false) + "</" + k.element + ">\n";
            }
            body += system_out(k.out, "      ");
            body += "    </testcase>\n";
        }
        if (!attachments_placed) body += system_out(attached, "    ");

        suites += "  <testsuite" + attr("name", s.name) +
                  attr("tests", std::to_string(cases.size())) +
                  attr("failures", std::to_string(f)) + attr("errors", std::to_string(e)) +
                  attr("skipped", std::to_string(sk)) + attr("time", seconds(s.seconds));
        if (!timestamp.empty()) suites += attr("timestamp", timestamp);
        suites += cases.empty() && body.empty() ? "/>\n" : ">\n" + body + "  </testsuite>\n";
        tests += cases.size();
        failures += f;
        errors += e;
    }

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites" + attr("name", "mcp-harness") + attr("tests", std::to_string(tests)) +
           attr("failures", std::to_string(failures)) + attr("errors", std::to_string(errors)) +
           attr("time", seconds(report.seconds));
    out += suites.empty() ? "/>\n" : ">\n" + suites + "</testsuites>\n";
    return out;
}

}  // namespace reports
