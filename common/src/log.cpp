#include "common/log.hpp"

#include <unistd.h>

#include "common/clock.hpp"
#include "common/enum_names.hpp"

namespace common {

namespace {
constexpr EnumNames<LogLevel, 6> kLevelNames{{
    {LogLevel::trace, "trace"},
    {LogLevel::debug, "debug"},
    {LogLevel::info, "info"},
    {LogLevel::warn, "warn"},
    {LogLevel::error, "error"},
    {LogLevel::off, "off"},
}};
constexpr auto kLevelSpellings = enum_spellings(kLevelNames);
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) {
    return parse_enum(kLevelNames, name);
}

std::string_view to_string(LogLevel level) {
    return enum_name(kLevelNames, level);
}

std::span<const std::string_view> log_level_names() {
    return kLevelSpellings;
}

void Logger::log(LogLevel l, std::string_view message) const {
    if (!enabled(l)) return;
    std::string line = rfc3339_micros(wall_micros());
    line += ' ';
    line += to_string(l);
    line += ' ';
    line += component_;
    line += ": ";
    line += message;
    line += '\n';
    // A short write to stderr is not worth retrying: logs are best effort.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace common
