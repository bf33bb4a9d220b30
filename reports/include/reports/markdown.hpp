#pragma once
// checklist.md: the validation checklist as Markdown, fit to paste into a GitHub job summary
// (or a GitLab/MR comment). Layout (see reports/README.md for a sample):
//   title with the overall verdict and a one-line summary;
//   one `- [x]` / `- [ ]` line per check id, in CHECKLIST.md order, aggregated over the
//   scenarios (failed if it failed in any), with per-scenario detail, evidence and warnings
//   indented under it, ending with the `suite.all_pass` rollup;
//   harness errors; a metrics table per scenario; the parts of a merged run (merge.hpp);
//   the metric definitions; the baseline
//   (expected failures, entries that now pass); attachments (logs) in <details> blocks.
#include <string>

#include "reports/report.hpp"

namespace reports {

std::string render_markdown(const RunReport& report);

}  // namespace reports
