#include "common/clock.hpp"

#include <cstdio>
#include <ctime>

namespace common {

std::int64_t wall_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               SystemClock::now().time_since_epoch())
        .count();
}

namespace {
std::string format_utc(std::int64_t seconds, long fraction, int digits) {
    const std::time_t tt = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%0*ldZ",
                                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                tm.tm_sec, digits, fraction);
    return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}
}  // namespace

std::string rfc3339_nanos(SystemClock::time_point t) {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    return format_utc(ns / 1'000'000'000, static_cast<long>(ns % 1'000'000'000), 9);
}

std::string rfc3339_micros(std::int64_t micros) {
    return format_utc(micros / 1'000'000, static_cast<long>(micros % 1'000'000), 6);
}

}  // namespace common
