#pragma once
// GET /metrics: the server's counters, gauges and latency histograms in the Prometheus text
// exposition format, version 0.0.4 (the format every Prometheus server scrapes).
#include <string>
#include <string_view>

#include "core/server_state.hpp"

namespace core {

// The Content-Type of render_metrics()'s text.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// The exposition of the counters now. Reads atomics only: callable from any thread, cheap
// enough to serve on an I/O thread.
std::string render_metrics(const ServerStats& stats);
inline std::string render_metrics(const ServerState& state) {
    return render_metrics(state.stats);
}

}  // namespace core
