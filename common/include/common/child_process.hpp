#pragma once
// A child process for tests, benchmarks and the harness: started with its stdout on a pipe
// (to read its ready line) and its stderr in a log file; stopped with SIGTERM, then SIGKILL
// after a grace period. The child gets PR_SET_PDEATHSIG, so it dies with its parent and is
// never orphaned, even when the parent is killed.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common {

class ChildProcess {
  public:
    struct Options {
        std::vector<std::string> argv = {};                         // argv[0] is the program path
        std::vector<std::pair<std::string, std::string>> env = {};  // added to (or replacing) ours
        std::vector<std::string> unset_env = {};                    // removed from ours
        std::filesystem::path cwd = {};                             // empty: ours
        std::filesystem::path stderr_file = {};                     // empty: inherit ours
    };

    // Throws std::runtime_error when the program cannot be started.
    explicit ChildProcess(const Options& options);
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Reads stdout until a line containing `marker` arrives and returns it. Throws
    // std::runtime_error (with the tail of stderr when it was captured) on timeout or exit.
    std::string wait_for_line(std::string_view marker, std::chrono::milliseconds timeout);

    pid_t pid() const { return pid_; }
    bool running();
    // SIGTERM, then SIGKILL after `grace`; returns the exit status as the shell shows it
    // (code, or 128 + signal). Idempotent.
    int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    // Sends a signal without waiting.
    void signal(int signo);
    // Waits up to `timeout` for the process to exit by itself; returns its status or -1.
    int wait_exit(std::chrono::milliseconds timeout);

    const std::filesystem::path& stderr_file() const { return stderr_file_; }
    std::string stderr_tail(std::size_t max_bytes = 4096) const;

  private:
    bool reap(bool block);

    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    int status_ = -1;
    std::string buffered_;
    std::filesystem::path stderr_file_;
};

// The port in a ready line such as "... listening on http://127.0.0.1:43567"; 0 if none.
unsigned short port_from_ready_line(std::string_view line);

// A program's path: `name` as given when it names a directory ("./x", "/usr/bin/node"), else
// the first executable of that name on $PATH, else `name` unchanged (starting it then fails
// with a message naming it). Children are started by path, without a search of their own.
std::string find_program(std::string_view name);

}  // namespace common
