#pragma once
// report.html: the run as one self-contained page (no network, no framework): the run summary
// and options; the checklist with each check's state, counts, message, evidence and warnings;
// per scenario the metrics, TTFT / ITL / relay-lag histograms with p50 and p99 marked (from
// Distribution::histogram), a timeline of a few streams (emission vs arrival per token), the
// tokens/s over time and a per-call table sortable by any column (from ScenarioResult::samples),
// and the attachments (server / mock logs) folded. Charts are inline SVG; a short inline script
// sorts the tables. Scenarios without histograms or samples (a schema-1 report.json) render
// without those charts and say so.
//
// Stable hooks for tests and scripts (documented in docs/mcp-harness.md):
//   <tr class="check" data-id=ID data-scenario=NAME data-status=STATUS>  one per check result
//   <li class="evidence">                        one per piece of evidence, under its check
//   <section class="scenario" data-scenario=NAME>
//   <svg class="histogram" data-scenario=NAME data-metric=ttft|itl|relay_lag data-count=N>
//     <rect class="bar" data-count=N>             bar counts add up to the histogram's count
//   <svg class="timeline" data-scenario=NAME data-tokens=N>  N: tokens received by the calls drawn
//     <g class="stream" data-call=CALL data-tokens=N>, <circle class="arrival"> per token
//     received and <circle class="emission"> per token emitted
//   <svg class="throughput" data-scenario=NAME data-tokens=N>
//   <table class="calls sortable">, one <tr class="call"> per generate call
#include <string>

#include "reports/report.hpp"

namespace reports {

std::string render_html(const RunReport& report);

}  // namespace reports
