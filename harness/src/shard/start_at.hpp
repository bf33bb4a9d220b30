#pragma once
// `run --start-at`: the instant every shard's clients begin. Either an RFC 3339 time, or
// "+SECONDS" from the first shard to arrive, announced in a shared folder (--start-dir) as
// DIR/start-at, created atomically so that every later shard reads the same instant. Both are
// read and written by common::parse_rfc3339_us and common::rfc3339_micros (common/clock.hpp).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace harness {

// --start-at as given, checked: an absolute instant, or an offset from the announcement.
struct StartAt {
    std::optional<std::int64_t> at_us;   // an RFC 3339 time
    std::optional<double> after_s;       // "+SECONDS"
    std::filesystem::path announcement;  // DIR/start-at (with after_s)
};

// The name of the announcement inside --start-dir.
inline constexpr const char* kStartAtFile = "start-at";

// Checks --start-at and --start-dir together ("" is not given); std::invalid_argument naming
// the option. "+SECONDS" needs --start-dir; --start-dir goes with "+SECONDS" only.
std::optional<StartAt> parse_start_at(const std::string& given, const std::string& start_dir);

// The absolute instant: at_us as given, or the announcement's: written as now_us + after_s
// when this process is the first (O_EXCL link of a complete file), else read. Throws
// std::runtime_error on I/O failure or an announcement that does not parse.
std::int64_t start_instant(const StartAt& start, std::int64_t now_us);

// Sleeps (this thread, never an event-loop one) until the wall clock reaches `at_us`; returns
// how late the clients begin: how far the instant had passed already, else the wake-up's own
// delay (a few µs to a ms).
std::int64_t wait_until_wall(std::int64_t at_us);

}  // namespace harness
