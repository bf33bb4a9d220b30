#include "chat/terminal.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace harness::chat {

namespace {

// Save the cursor, go to the bottom row's start and clear it.
std::string to_bottom(std::size_t rows) {
    return "\x1b"
           "7\x1b[" +
           std::to_string(rows) + ";1H\x1b[2K";
}

}  // namespace

Terminal::Terminal() {
    stdin_tty_ = ::isatty(STDIN_FILENO) != 0;
    const char* term = std::getenv("TERM");
    interactive_ = stdin_tty_ && ::isatty(STDOUT_FILENO) != 0 &&
                   !(term != nullptr && std::strcmp(term, "dumb") == 0);
    if (stdin_tty_) have_termios_ = ::tcgetattr(STDIN_FILENO, &saved_) == 0;
    saved_stdin_flags_ = ::fcntl(STDIN_FILENO, F_GETFL);
    read_size();
}

Terminal::~Terminal() {
    end_status();
    if (have_termios_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
    if (saved_stdin_flags_ != -1) ::fcntl(STDIN_FILENO, F_SETFL, saved_stdin_flags_);
}

int Terminal::open_input() const {
    if (stdin_tty_) {
        if (const char* name = ::ttyname(STDIN_FILENO)) {
            const int fd = ::open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
            if (fd >= 0) return fd;
        }
    }
    return ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
}

void Terminal::write_to(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n > 0) {
            text.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return;  // stdout is gone: nothing left to show it to
        }
    }
}

void Terminal::echo(bool on) {
    if (!have_termios_) return;
    termios t = saved_;
    if (!on) t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
}

void Terminal::read_size() {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        rows_ = ws.ws_row;
        cols_ = ws.ws_col;
    }
}

void Terminal::begin_status() {
    if (!interactive_ || status_ || rows_ < 3) return;
    status_ = true;
    // A free row under the cursor first (a newline scrolls when the cursor is on the last
    // row), then the scroll region above the bottom row; setting it homes the cursor, so it is
    // saved and restored around.
    write(
        "\n\x1b[A\x1b"
        "7\x1b[1;" +
        std::to_string(rows_ - 1) +
        "r\x1b"
        "8");
}

void Terminal::draw_status(std::string_view text) {
    if (!status_) return;
    write(to_bottom(rows_) + std::string(text) +
          "\x1b"
          "8");
}

void Terminal::end_status() {
    if (!status_) return;
    status_ = false;
    write(to_bottom(rows_) +
          "\x1b[r\x1b"
          "8");
}

void Terminal::resized() {
    const bool had = status_;
    end_status();
    read_size();
    if (had) begin_status();
}

}  // namespace harness::chat
