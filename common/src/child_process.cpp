#include "common/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace common {

namespace {
std::string errno_text(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

int status_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}
}  // namespace

ChildProcess::ChildProcess(const Options& o) : stderr_file_(o.stderr_file) {
    if (o.argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
    // Everything the child needs is prepared before fork: after it only async-signal-safe
    // calls are allowed (the parent may have other threads).
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view kv(*e);
        const auto name = kv.substr(0, kv.find('='));
        bool drop = false;
        for (const auto& u : o.unset_env) drop |= name == u;
        for (const auto& [k, v] : o.env) drop |= name == k;
        if (!drop) env_strings.emplace_back(kv);
    }
    for (const auto& [k, v] : o.env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = o.argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string cwd = o.cwd.string();

    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
    int err_fd = -1;
    if (!o.stderr_file.empty()) {
        err_fd = ::open(o.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (err_fd < 0) {
            ::close(out[0]);
            ::close(out[1]);
            throw std::runtime_error(errno_text(("open " + o.stderr_file.string()).c_str()));
        }
    }
    int exec_err[2];  // tells the parent if exec failed (closed on a successful exec)
    if (::pipe2(exec_err, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(errno_text("fork"));
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
        ::setpgid(0, 0);  // its own group: a terminal's ^C goes to the harness only
        ::dup2(out[1], STDOUT_FILENO);
        if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
            const int e = errno;
            [[maybe_unused]] auto n = ::write(exec_err[1], &e, sizeof e);
            ::_exit(127);
        }
        ::execve(argv[0], argv.data(), envp.data());
        const int e = errno;
        [[maybe_unused]] auto n = ::write(exec_err[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(out[1]);
    if (err_fd >= 0) ::close(err_fd);
    ::close(exec_err[1]);
    int child_errno = 0;
    const auto n = ::read(exec_err[0], &child_errno, sizeof child_errno);
    ::close(exec_err[0]);
    stdout_fd_ = out[0];
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        reap(true);
        ::close(stdout_fd_);
        stdout_fd_ = -1;
        throw std::runtime_error("cannot start " + o.argv[0] + ": " + std::strerror(child_errno));
    }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      status_(other.status_),
      buffered_(std::move(other.buffered_)),
      stderr_file_(std::move(other.stderr_file_)) {}

ChildProcess::~ChildProcess() {
    stop();
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

std::string ChildProcess::wait_for_line(std::string_view marker,
                                        std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::size_t nl;
        while ((nl = buffered_.find('\n')) != std::string::npos) {
            std::string line = buffered_.substr(0, nl);
            buffered_.erase(0, nl + 1);
            if (line.find(marker) != std::string::npos) return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw std::runtime_error("no line containing '" + std::string(marker) + "' within " +
                                     std::to_string(timeout.count()) +
                                     " ms; stderr: " + stderr_tail());
        }
        pollfd p{stdout_fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno != EINTR) throw std::runtime_error(errno_text("poll"));
        if (r <= 0) continue;
        char buf[4096];
        const auto got = ::read(stdout_fd_, buf, sizeof buf);
        if (got <= 0) {
            stop(std::chrono::milliseconds(100));
            throw std::runtime_error("process exited (status " + std::to_string(status_) +
                                     ") before printing '" + std::string(marker) +
                                     "'; stderr: " + stderr_tail());
        }
        buffered_.append(buf, static_cast<std::size_t>(got));
    }
}

bool ChildProcess::reap(bool block) {
    if (pid_ <= 0) return true;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
    if (r == pid_) {
        status_ = status_code(status);
        pid_ = -1;
        return true;
    }
    if (r < 0 && errno == ECHILD) {
        pid_ = -1;
        return true;
    }
    return false;
}

bool ChildProcess::running() {
    return !reap(false);
}

void ChildProcess::signal(int signo) {
    if (pid_ > 0) ::kill(pid_, signo);
}

int ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap(false)) {
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return status_;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    if (wait_exit(grace) == -1) {
        ::kill(pid_, SIGKILL);
        reap(true);
    }
    return status_;
}

std::string ChildProcess::stderr_tail(std::size_t max_bytes) const {
    if (stderr_file_.empty()) return "(not captured)";
    std::ifstream in(stderr_file_, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.size() > max_bytes) all = "..." + all.substr(all.size() - max_bytes);
    return all;
}

unsigned short port_from_ready_line(std::string_view line) {
    const auto colon = line.rfind(':');
    if (colon == std::string_view::npos) return 0;
    unsigned long port = 0;
    std::size_t i = colon + 1;
    for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        port = port * 10 + static_cast<unsigned long>(line[i] - '0');
        if (port > 65535) return 0;
    }
    return i == colon + 1 ? 0 : static_cast<unsigned short>(port);
}

std::string find_program(std::string_view name) {
    if (name.find('/') != std::string_view::npos) return std::string(name);
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const std::filesystem::path candidate =
            std::filesystem::path(std::string(dirs.substr(0, colon))) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    return std::string(name);
}

}  // namespace common
