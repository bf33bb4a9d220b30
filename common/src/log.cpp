#include "common/log.hpp"

#include <unistd.h>

#include "common/clock.hpp"

namespace common {

std::optional<LogLevel> parse_log_level(std::string_view name) {
    for (auto l : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                   LogLevel::error, LogLevel::off}) {
        if (name == to_string(l)) return l;
    }
    return std::nullopt;
}

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::trace:
            return "trace";
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warn:
            return "warn";
        case LogLevel::error:
            return "error";
        case LogLevel::off:
            return "off";
    }
    return "?";
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
