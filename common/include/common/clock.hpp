#pragma once
// Wall-clock helpers. Wall time (not steady time) is what crosses process boundaries:
// the mock stamps each token with it so a client on the same machine can compute its lag.
#include <chrono>
#include <cstdint>
#include <string>

namespace common {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

// Microseconds since the Unix epoch.
std::int64_t wall_micros();

// RFC 3339 UTC with nanoseconds, as Ollama writes `created_at`: 2023-08-04T08:52:19.385406455Z
std::string rfc3339_nanos(SystemClock::time_point t);
// The same text appended to `out` without allocating: the date-and-seconds part is cached
// per thread and rebuilt once a second, so a token line's timestamp costs a few stores.
void append_rfc3339_nanos(std::string& out, SystemClock::time_point t);

// RFC 3339 UTC with microseconds, for logs and admin output.
std::string rfc3339_micros(std::int64_t micros_since_epoch);

// Scales a duration by a factor (time_scale), never below zero.
inline std::chrono::nanoseconds scaled(std::chrono::nanoseconds d, double factor) {
    const double ns = static_cast<double>(d.count()) * factor;
    return std::chrono::nanoseconds(ns <= 0 ? 0 : static_cast<std::int64_t>(ns));
}

}  // namespace common
