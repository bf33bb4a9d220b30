// compare.xml: the regression gate for CI test reporters (Jenkins junit-10.xsd):
//
//   <testsuites name="mcp-harness compare" tests failures errors>
//     <testsuite name=scenario tests failures errors skipped>
//       <testcase classname="compare.SCENARIO" name="ttft.p99"> <failure>? | <skipped>?
//       <testcase classname="compare.SCENARIO" name="check stream.order"> <failure>?
//       <testcase classname="compare.SCENARIO" name="ran to the end"> <failure>?
//
// Only judged rows are testcases: statistics with a threshold, and checks OLD passed.
#include <cmath>
#include <sstream>

#include "reports/compare.hpp"
#include "text.hpp"

namespace reports {

namespace {

std::string attr(std::string_view name, std::string_view value) {
    return " " + std::string(name) + "=\"" + text::xml_escape(value, true) + "\"";
}

struct Case {
    std::string name;
    Verdict verdict = Verdict::ok;
    std::string message;  // the failure or skip message
};

std::string metric_message(const MetricRow& r) {
    std::string m = r.metric + "." + std::string(to_string(r.statistic)) + ": " +
                    text::number(r.old_value) + " → " + text::number(r.new_value) + " " + r.unit;
    if (std::isfinite(r.change_percent)) {
        m += " (" + std::string(r.change_percent > 0 ? "+" : "") + text::number(r.change_percent) +
             " %)";
    }
    m += ", limit " + describe(*r.threshold) + ", values " + std::to_string(r.old_count) + "/" +
         std::to_string(r.new_count);
    return m;
}

std::vector<Case> cases_of(const ScenarioComparison& s) {
    std::vector<Case> out;
    for (const auto& r : s.metrics) {
        if (!r.threshold) continue;
        out.push_back(
            {r.metric + "." + std::string(to_string(r.statistic)), r.verdict, metric_message(r)});
    }
    for (const auto& c : s.checks) {
        if (c.old_status != Status::passed) continue;
        out.push_back({"check " + c.id, c.verdict,
                       "check " + c.id + ": passed in OLD, " +
                           std::string(to_string(c.new_status)) + " in NEW"});
    }
    out.push_back({"ran to the end",
                   s.new_harness_error.empty() ? Verdict::ok : Verdict::regression,
                   "harness error in NEW: " + s.new_harness_error});
    return out;
}

void testcase(std::ostringstream& x, const std::string& scenario, const Case& c) {
    x << "    <testcase" << attr("classname", "compare." + scenario) << attr("name", c.name)
      << attr("time", "0");
    const std::string msg = text::headline(c.message, 200);
    if (c.verdict == Verdict::regression) {
        x << ">\n      <failure" << attr("message", msg) << attr("type", "regression") << ">"
          << text::xml_escape(c.message, false) << "</failure>\n    </testcase>\n";
    } else if (c.verdict == Verdict::not_enough_data) {
        x << ">\n      <skipped" << attr("message", "not enough data: " + msg)
          << "/>\n    </testcase>\n";
    } else {
        x << "/>\n";
    }
}

}  // namespace

std::string render_compare_junit(const Comparison& c) {
    std::ostringstream body;
    std::size_t tests = 0, failures = 0;
    for (const auto& s : c.scenarios) {
        const auto cases = cases_of(s);
        std::size_t f = 0, skipped = 0;
        for (const auto& k : cases) {
            f += k.verdict == Verdict::regression ? 1 : 0;
            skipped += k.verdict == Verdict::not_enough_data ? 1 : 0;
        }
        body << "  <testsuite" << attr("name", s.name)
             << attr("tests", std::to_string(cases.size())) << attr("failures", std::to_string(f))
             << attr("errors", "0") << attr("skipped", std::to_string(skipped)) << attr("time", "0")
             << ">\n";
        for (const auto& k : cases) testcase(body, s.name, k);
        body << "  </testsuite>\n";
        tests += cases.size();
        failures += f;
    }
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"
      << attr("name", "mcp-harness compare") << attr("tests", std::to_string(tests))
      << attr("failures", std::to_string(failures)) << attr("errors", "0") << attr("time", "0")
      << ">\n"
      << body.str() << "</testsuites>\n";
    return x.str();
}

}  // namespace reports
