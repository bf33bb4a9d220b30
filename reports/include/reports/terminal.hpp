#pragma once
// The compact checklist printed on the console at the end of a run: one line per check id
// (PASS / FAIL / ERROR / SKIP / XFAIL), the first evidence of each failure, harness errors,
// baseline notes and a verdict line. `color` adds ANSI colours. Text from the system under
// test is printed with control characters escaped, so it cannot drive the terminal.
#include <string>

#include "reports/report.hpp"

namespace reports {

std::string render_terminal_summary(const RunReport& report, bool color);
// Its last line alone: "PASSED — 12 passed, 0 failed, ... (exit code 0)" (`run --quiet`).
std::string render_terminal_verdict(const RunReport& report, bool color);

}  // namespace reports
