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

void append_rfc3339_nanos(std::string& out, SystemClock::time_point t) {
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    std::int64_t seconds = ns / 1'000'000'000;
    std::int64_t fraction = ns % 1'000'000'000;
    if (fraction < 0) {  // before 1970: the fraction counts forward from the earlier second
        fraction += 1'000'000'000;
        --seconds;
    }
    // "YYYY-MM-DDTHH:MM:SS." of the last second seen on this thread.
    thread_local std::int64_t cached_second = -1;
    thread_local char prefix[32];
    thread_local std::size_t prefix_len = 0;
    if (seconds != cached_second || prefix_len == 0) {
        const std::string full = format_utc(seconds, 0, 9);
        prefix_len = full.size() - 10;  // drop "000000000Z"
        full.copy(prefix, prefix_len);
        cached_second = seconds;
    }
    char digits[10];
    for (int i = 8; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    digits[9] = 'Z';
    out.append(prefix, prefix_len);
    out.append(digits, sizeof digits);
}

std::string rfc3339_micros(std::int64_t micros) {
    return format_utc(micros / 1'000'000, static_cast<long>(micros % 1'000'000), 6);
}

}  // namespace common
