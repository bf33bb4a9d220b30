#pragma once
// A fresh mock-ollama child for one benchmark run: started on port 0, its ready line read
// (bounded), its admin endpoints called over loopback, its peak memory read from /proc.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"

namespace bench {

class MockProcess {
  public:
    // `flags` follow the binary's path and `--port 0`. Throws std::runtime_error naming the
    // binary and quoting its stderr when it does not print its ready line within 10 s.
    MockProcess(const std::string& binary, const std::vector<std::string>& flags);
    ~MockProcess();
    MockProcess(const MockProcess&) = delete;
    MockProcess& operator=(const MockProcess&) = delete;

    unsigned short port() const { return port_; }
    pid_t pid() const { return child_.pid(); }

    nlohmann::json stats();  // GET /_mock/stats
    void reset();            // POST /_mock/reset: counters and the lateness histogram
    // Polls the stats until `open_connections` reaches `n` (the mock has accepted them all);
    // false after `timeout`.
    bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout);
    // Peak resident set size (VmHWM) in MiB; 0 when it cannot be read.
    double peak_rss_mib() const;
    // The tail of the mock's stderr (its warnings), for error messages.
    std::string stderr_tail() const { return child_.stderr_tail(2048); }

  private:
    static std::filesystem::path make_stderr_path();

    std::filesystem::path stderr_path_;
    common::ChildProcess child_;
    unsigned short port_ = 0;
};

// One HTTP/1.1 request with "Connection: close" to 127.0.0.1:port, bounded by `timeout`.
// Returns the body of a 200 reply; throws std::runtime_error on anything else.
std::string http_call(unsigned short port, std::string_view method, std::string_view target,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Raises this process's RLIMIT_NOFILE soft limit to its hard limit (children inherit it);
// returns the new soft limit.
std::size_t raise_fd_limit();

}  // namespace bench
