#include "shard/start_at.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
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
        out.at_us = common::parse_rfc3339_us(given);
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
        return common::parse_rfc3339_us(text);
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
