#include "shard/start_at.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "common/clock.hpp"

namespace harness {

namespace fs = std::filesystem;

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

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The announcement, published whole: written to a file of our own, then linked to its name,
// which fails with EEXIST when another shard was first. Returns false then.
bool publish(const fs::path& announcement, const std::string& text) {
    fs::path tmp = announcement;
    tmp += ".XXXXXX";
    std::string pattern = tmp.string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        throw std::runtime_error("--start-dir: cannot write in " +
                                 announcement.parent_path().string() + ": " +
                                 std::generic_category().message(errno));
    }
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    const int linked = written ? ::link(pattern.c_str(), announcement.c_str()) : -1;
    const int link_errno = errno;
    ::unlink(pattern.c_str());
    if (linked == 0) return true;
    if (written && link_errno == EEXIST) return false;
    throw std::runtime_error("--start-dir: cannot create " + announcement.string() + ": " +
                             std::generic_category().message(written ? link_errno : EIO));
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

std::optional<StartAt> parse_start_at(const std::string& given, const std::string& dir) {
    if (given.empty()) {
        if (!dir.empty()) throw std::invalid_argument("--start-dir goes with --start-at +SECONDS");
        return std::nullopt;
    }
    StartAt out;
    if (given[0] == '+') {
        double secs = 0;
        std::size_t used = 0;
        try {
            secs = std::stod(given.substr(1), &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != given.size() - 1 || !std::isfinite(secs) || secs < 0 ||
            secs > 86'400) {
            throw std::invalid_argument("--start-at: '" + given +
                                        "': +SECONDS must be a number of seconds 0..86400");
        }
        if (dir.empty()) {
            throw std::invalid_argument(
                "--start-at " + given +
                " needs --start-dir DIR: a folder every shard shares, where the first to "
                "arrive announces the instant");
        }
        out.after_s = secs;
        out.announcement = fs::path(dir) / kStartAtFile;
        return out;
    }
    if (!dir.empty()) {
        throw std::invalid_argument(
            "--start-dir goes with --start-at +SECONDS (an RFC 3339 time needs no "
            "announcement)");
    }
    try {
        out.at_us = parse_rfc3339_us(given);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--start-at: ") + e.what() +
                                    " (or +SECONDS with --start-dir)");
    }
    return out;
}

std::int64_t start_instant(const StartAt& start, std::int64_t now_us) {
    if (start.at_us) return *start.at_us;
    const auto at = now_us + static_cast<std::int64_t>(std::llround(*start.after_s * 1e6));
    std::error_code ignored;  // a folder that cannot be made fails in publish, with its reason
    fs::create_directories(start.announcement.parent_path(), ignored);
    if (publish(start.announcement, common::rfc3339_micros(at))) return at;
    std::string text = read_all(start.announcement);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    try {
        return parse_rfc3339_us(text);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("--start-dir: " + start.announcement.string() + ": " + e.what());
    }
}

std::int64_t wait_until_wall(std::int64_t at_us) {
    const auto now = common::wall_micros();
    if (now >= at_us) return now - at_us;
    std::this_thread::sleep_until(
        common::SystemClock::time_point(std::chrono::microseconds(at_us)));
    return std::max<std::int64_t>(0, common::wall_micros() - at_us);  // the wake-up's own delay
}

}  // namespace harness
