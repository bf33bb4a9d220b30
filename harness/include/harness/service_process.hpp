#pragma once
// A program under test started as a child on port 0: its ready line ("... listening on
// URL") read within a bounded wait, its stderr kept in a file for error messages, stopped
// with SIGTERM (then SIGKILL) when the object goes away. The one such wrapper: the runner,
// the benchmarks and the tests' process helpers all start their children through it.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "common/child_process.hpp"

namespace harness {

struct ServiceOptions {
    std::string binary;
    std::vector<std::string> args = {};
    std::filesystem::path stderr_file = {};  // empty: a file in the temp directory
    std::filesystem::path cwd = {};
    std::chrono::milliseconds ready_timeout{15'000};
    std::vector<std::string> unset_env = {};  // removed from the child's environment
};

class ServiceProcess {
  public:
    // Throws std::runtime_error naming the binary (with the tail of the child's stderr) when
    // the program cannot be started, exits, or does not print a line containing "listening on"
    // within the timeout; the child is stopped and a stderr file made here is removed.
    explicit ServiceProcess(const ServiceOptions& options);
    ServiceProcess(const ServiceProcess&) = delete;
    ServiceProcess& operator=(const ServiceProcess&) = delete;

    // The URL of the ready line: "http://127.0.0.1:41234", "ws://127.0.0.1:40123/mcp".
    const std::string& url() const { return url_; }
    unsigned short port() const { return port_; }
    pid_t pid() const { return child_.pid(); }
    common::ChildProcess& child() { return child_; }
    std::string stderr_tail(std::size_t bytes = 4096) const { return child_.stderr_tail(bytes); }
    int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000)) {
        return child_.stop(grace);
    }

  private:
    // `temp_stderr`: the stderr file made here (empty when the caller named one).
    ServiceProcess(const ServiceOptions& options, const std::filesystem::path& temp_stderr);
    static common::ChildProcess start(const ServiceOptions& options,
                                      const std::filesystem::path& stderr_file);

    common::ChildProcess child_;
    std::string url_;
    unsigned short port_ = 0;
};

}  // namespace harness
