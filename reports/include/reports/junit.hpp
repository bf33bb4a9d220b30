#pragma once
// junit.xml in the CHECKLIST.md dialect, read by GitLab, Jenkins and GitHub test reporters:
//
//   <testsuites name="mcp-harness" tests failures errors time>
//     <testsuite name=scenario tests failures errors skipped time timestamp>
//       <testcase classname=scenario name=check-id time>
//         at most one of <failure message type>evidence</failure> | <error message type>
//         | <skipped message/>, then an optional <system-out>
//
// Valid against Jenkins' junit-10.xsd (tests/reports/junit-10.xsd): hence no `skipped` on
// <testsuites>, only per <testsuite> (which GitLab and GitHub sum).
//
// Decisions (reports/README.md):
//   - an expected failure (baseline) is a passing testcase with a <system-out> note, so CI
//     stays green while the failure stays visible; a passed check the baseline expected to
//     fail gets a <system-out> note asking to shrink the baseline;
//   - a scenario's harness_error is an extra testcase named `harness` with an <error>;
//   - a scenario's attachments go into the <system-out> of its first failing/erroring
//     testcase (GitLab shows testcase output only), or of the <testsuite> when none fails;
//   - `time` is seconds with three decimals and a decimal point, whatever the locale;
//   - evidence `expected` / `got` are written as the checks wrote them (values come quoted);
//   - classname+name pairs are unique over the file: repeats get " #2", " #3", ...;
//   - text is sanitized to XML 1.0 characters (control characters other than tab, LF, CR,
//     surrogates, U+FFFE/U+FFFF and malformed UTF-8 bytes are dropped) and escaped.
#include <string>

#include "reports/report.hpp"

namespace reports {

std::string render_junit(const RunReport& report);

}  // namespace reports
