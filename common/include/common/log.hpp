#pragma once
// One-line, leveled logs to stderr. Each line is written with a single write(2) so lines
// from several I/O threads never interleave.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace common {

enum class LogLevel { trace = 0, debug, info, warn, error, off };

std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view to_string(LogLevel level);
// Every level's name, lowest first: the choices of a --log-level flag or config key.
std::span<const std::string_view> log_level_names();

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

// Lazy logging: the message expression is evaluated only when `level` is on for `logger`, so a
// trace or debug line that builds a string costs one comparison when that level is off.
// Prefer these to logger.debug("..." + x) wherever the message is built. Same line format.
#define MSH_LOG(logger, level, message)                     \
    do {                                                    \
        const ::common::Logger& msh_log_logger_ = (logger); \
        if (msh_log_logger_.enabled(level)) {               \
            msh_log_logger_.log(level, message);            \
        }                                                   \
    } while (false)
#define MSH_TRACE(logger, message) MSH_LOG(logger, ::common::LogLevel::trace, message)
#define MSH_DEBUG(logger, message) MSH_LOG(logger, ::common::LogLevel::debug, message)
#define MSH_INFO(logger, message) MSH_LOG(logger, ::common::LogLevel::info, message)
#define MSH_WARN(logger, message) MSH_LOG(logger, ::common::LogLevel::warn, message)
#define MSH_ERROR(logger, message) MSH_LOG(logger, ::common::LogLevel::error, message)
