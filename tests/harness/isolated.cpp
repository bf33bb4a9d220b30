#include "isolated.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace harness_test {

Isolated run_isolated(const std::function<std::string()>& body, std::chrono::milliseconds limit) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        std::string out;
        try {
            out = body();
        } catch (const std::exception& e) {
            out = std::string("exception: ") + e.what();
        }
        for (std::size_t done = 0; done < out.size();) {
            const auto n = ::write(fds[1], out.data() + done, out.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);  // no atexit handlers, no gtest teardown in the child
    }
    ::close(fds[1]);
    Isolated r;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        const auto n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) {  // end of file: the child exited (or died)
            r.finished = true;
            break;
        }
        r.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    if (!r.finished) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
        r.finished = false;
    }
    return r;
}

}  // namespace harness_test
