#pragma once
// The charts of report.html, each one inline <svg> (see reports/html.hpp for their classes
// and data- attributes). Each returns "" when it has nothing to draw.
#include <string>
#include <string_view>

#include "reports/report.hpp"

namespace reports::html {

// The distribution's histogram buckets grouped into at most kMaxBars bars on a linear axis,
// or a log axis when the values span more than 50x; p50 and p99 marked.
inline constexpr int kMaxBars = 48;
std::string histogram_chart(const Distribution& d, std::string_view scenario);

// Up to kTimelineCalls calls: per token, a point when the mock emitted it and one when the
// client received it, joined by a line (the relay lag); x is time since the scenario start.
inline constexpr std::size_t kTimelineCalls = 5;
std::string timeline_chart(const ScenarioResult& s);

// Tokens received per second over the scenario, all calls together, in kRateBins bins.
inline constexpr int kRateBins = 50;
std::string throughput_chart(const ScenarioResult& s);

}  // namespace reports::html
