#include "common/clock.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string_view>

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

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
    static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                       31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`, advancing it.
std::optional<unsigned> digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    pos += n;
    return v;
}

bool expect(std::string_view s, std::size_t& pos, std::string_view chars) {
    if (pos >= s.size() || chars.find(s[pos]) == std::string_view::npos) return false;
    ++pos;
    return true;
}

}  // namespace

std::int64_t parse_rfc3339_us(std::string_view s) {
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument("'" + std::string(s) +
                                     "' is not an RFC 3339 time like 2026-12-04T23:10:00Z: " + why);
    };
    std::size_t pos = 0;
    const auto year = digits(s, pos, 4);
    if (!year || !expect(s, pos, "-")) throw bad("expected the year YYYY-");
    const auto month = digits(s, pos, 2);
    if (!month || *month < 1 || *month > 12 || !expect(s, pos, "-")) throw bad("bad month");
    const auto day = digits(s, pos, 2);
    if (!day || *day < 1 || *day > days_in_month(*year, *month)) throw bad("bad day");
    if (!expect(s, pos, "Tt ")) throw bad("expected T between date and time");
    const auto hour = digits(s, pos, 2);
    if (!hour || *hour > 23 || !expect(s, pos, ":")) throw bad("bad hour");
    const auto minute = digits(s, pos, 2);
    if (!minute || *minute > 59 || !expect(s, pos, ":")) throw bad("bad minute");
    const auto second = digits(s, pos, 2);
    if (!second || *second > 59) throw bad("bad second");
    std::int64_t micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++n) {
            if (n < 6) micros = micros * 10 + (s[pos] - '0');
        }
        if (n == 0) throw bad("expected digits after the decimal point");
        for (; n < 6; ++n) micros *= 10;
    }
    std::int64_t offset_s = 0;
    if (expect(s, pos, "Zz")) {
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos++] == '+' ? 1 : -1;
        const auto oh = digits(s, pos, 2);
        if (!oh || *oh > 23 || !expect(s, pos, ":")) throw bad("bad offset hour");
        const auto om = digits(s, pos, 2);
        if (!om || *om > 59) throw bad("bad offset minute");
        offset_s = sign * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
    } else {
        throw bad("expected Z or an offset like +01:00 after the time");
    }
    if (pos != s.size()) throw bad("unexpected text after the time");
    const std::int64_t secs = days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 +
                              *minute * 60 + *second - offset_s;
    return secs * 1'000'000 + micros;
}

}  // namespace common
