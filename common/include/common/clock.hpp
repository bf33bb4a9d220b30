#pragma once
// Wall-clock helpers. Wall time (not steady time) is what crosses process boundaries:
// the mock stamps each token with it so a client on the same machine can compute its lag.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

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
// The reader of what rfc3339_micros writes, and of any RFC 3339 time: "2026-12-04T23:10:00Z",
// "2026-12-04T23:10:00.250+01:00" (digits past the microsecond dropped): µs since the Unix
// epoch. Throws std::invalid_argument saying what is wrong.
std::int64_t parse_rfc3339_us(std::string_view text);

// THE time-scale rule (--time-scale of mcp-server and mock-ollama, and the harness that runs
// them): a duration is multiplied by the factor and rounded to the nearest unit of the
// resolution the caller keeps it in (nanoseconds for the mock's token schedules, milliseconds
// for the server's timers). A positive duration never scales to zero, since zero means "off" in
// both programs (no deadline, no ping): it stays at least one unit. Zero and negative durations
// are returned as they are, and a factor that is not positive gives zero.
template <class Rep, class Period>
constexpr std::chrono::duration<Rep, Period> scaled(std::chrono::duration<Rep, Period> d,
                                                    double factor) {
    // Rounding to the nearest unit and the one-unit floor only make sense for integer counts.
    static_assert(std::is_integral_v<Rep>, "scaled: integer durations only");
    using D = std::chrono::duration<Rep, Period>;
    if (d.count() <= 0) return d;
    if (!(factor > 0)) return D::zero();
    const double units = static_cast<double>(d.count()) * factor + 0.5;
    return D(units < 1 ? Rep{1} : static_cast<Rep>(units));
}

}  // namespace common
