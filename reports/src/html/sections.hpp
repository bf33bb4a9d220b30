#pragma once
// The parts of report.html below the page frame (page.cpp).
#include <string>

#include "html/markup.hpp"
#include "reports/report.hpp"

namespace reports::html {

// The run summary: verdict, counts, time, options.
void run_summary(Markup& m, const RunReport& report);
// Every check result of every scenario, in checklist order, with evidence and warnings;
// the suite.all_pass rollup last.
void checklist(Markup& m, const RunReport& report);
// One scenario: metrics, charts, per-call table, harness error, attachments.
void scenario_section(Markup& m, const ScenarioResult& s);

// The page's own CSS and sorting script (constants, no input in them).
extern const char* const kStyle;
extern const char* const kScript;

}  // namespace reports::html
