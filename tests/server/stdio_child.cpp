#include "stdio_child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace server_test {

namespace fs = std::filesystem;

namespace {

std::runtime_error failure(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

StdioChild::StdioChild(const std::string& binary, std::vector<std::string> args) {
    // A write to a child that exited must fail (EPIPE), not kill the test binary.
    ::signal(SIGPIPE, SIG_IGN);
    std::string log = (fs::temp_directory_path() / "msh-it-stdio-XXXXXX.log").string();
    const int log_fd = ::mkstemps(log.data(), 4);
    if (log_fd < 0) throw failure("mkstemps");
    stderr_file_ = log;
    int to_child[2], from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
        throw failure("pipe");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log_fd, STDERR_FILENO);

    args.insert(args.begin(), {binary, "--stdio"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "OLLAMA_HOST=", 12) != 0) envp.push_back(*e);
    }
    envp.push_back(nullptr);
    // An ignored signal stays ignored across exec: the child gets SIGPIPE's default back, as
    // a host would start it, so that the server's own handling of it is what is tested.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    const int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    ::close(log_fd);
    in_ = to_child[1];
    out_ = from_child[0];
    if (rc != 0) {
        pid_ = -1;
        errno = rc;
        throw failure("cannot start " + binary);
    }
}

StdioChild::~StdioChild() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        wait_exit(std::chrono::seconds(5));
    }
    close_stdin();
    close_stdout();
    if (::testing::Test::HasFailure()) {
        std::cerr << "---- mcp-server --stdio stderr (" << stderr_file_.string() << ") ----\n"
                  << stderr_text() << "---- end of stderr ----\n";
        return;  // kept for inspection
    }
    std::error_code ignored;
    fs::remove(stderr_file_, ignored);
}

bool StdioChild::write(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::write(in_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void StdioChild::close_stdin() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
}

void StdioChild::close_stdout() {
    if (out_ >= 0) ::close(out_);
    out_ = -1;
}

std::optional<std::string> StdioChild::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (eof_ || out_ < 0) return std::nullopt;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{out_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r <= 0) continue;
        char chunk[65536];
        const auto got = ::read(out_, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            eof_ = true;
            continue;
        }
        buffer_.append(chunk, static_cast<std::size_t>(got));
    }
}

void StdioChild::signal(int signo) const {
    if (pid_ > 0) ::kill(pid_, signo);
}

int StdioChild::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
        int status = 0;
        const pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling, bounded
    }
    return status_;
}

std::string StdioChild::stderr_text() const {
    std::ifstream in(stderr_file_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace server_test
