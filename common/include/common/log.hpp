#pragma once
// One-line, leveled logs to stderr. Each line is written with a single write(2) so lines
// from several I/O threads never interleave.
#include <optional>
#include <string>
#include <string_view>

namespace common {

enum class LogLevel { trace = 0, debug, info, warn, error, off };

std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view to_string(LogLevel level);

class Logger {
  public:
    Logger() = default;
    Logger(std::string component, LogLevel level)
        : component_(std::move(component)), level_(level) {}

    bool enabled(LogLevel l) const { return l >= level_ && level_ != LogLevel::off; }
    LogLevel level() const { return level_; }
    void log(LogLevel l, std::string_view message) const;

    void trace(std::string_view m) const { log(LogLevel::trace, m); }
    void debug(std::string_view m) const { log(LogLevel::debug, m); }
    void info(std::string_view m) const { log(LogLevel::info, m); }
    void warn(std::string_view m) const { log(LogLevel::warn, m); }
    void error(std::string_view m) const { log(LogLevel::error, m); }

  private:
    std::string component_ = "app";
    LogLevel level_ = LogLevel::info;
};

}  // namespace common
