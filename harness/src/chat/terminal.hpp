#pragma once
// The chat's terminal: whether it is one (ANSI and a live status line) or a pipe (plain lines
// for scripts), the input descriptor the session reads, echo while tokens stream, and the
// status line kept on the bottom row. Everything it changes in the terminal it puts back when
// it goes away (echo, the scroll region, stdin's O_NONBLOCK).
#include <string>
#include <string_view>

#include <termios.h>

namespace harness::chat {

class Terminal {
  public:
    // `interactive`: stdin and stdout are terminals (and TERM is not "dumb").
    Terminal();
    ~Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    bool interactive() const { return interactive_; }
    // Whether what is typed is shown by the terminal itself (a person at a terminal), so the
    // session need not echo its input.
    bool input_echoed() const { return stdin_tty_; }
    // A descriptor for reading the input, owned by the caller. On a terminal a fresh open of
    // it: the reader sets O_NONBLOCK on the descriptor's open file, and stdin's is shared with
    // stdout and with the shell, which must not inherit a non-blocking terminal.
    int open_input() const;

    // All of `text` to stdout, now (waits while a terminal's output buffer is full).
    void write(std::string_view text) const { write_to(1, text); }
    // A message on stderr (what went wrong with the session itself).
    void error(std::string_view text) const { write_to(2, text); }

    // Typed keys are not shown while tokens stream (they would tear the text); on again after.
    void echo(bool on);

    // The bottom row becomes a status line that text scrolls above; redrawn by draw_status,
    // ended by end_status. Only when interactive (otherwise these do nothing).
    void begin_status();
    void draw_status(std::string_view text);
    void end_status();
    // The window changed size (SIGWINCH): the status line moves to the new bottom row.
    void resized();
    std::size_t columns() const { return cols_; }

  private:
    static void write_to(int fd, std::string_view text);
    void read_size();

    bool stdin_tty_ = false;
    bool interactive_ = false;
    bool have_termios_ = false;
    termios saved_{};
    int saved_stdin_flags_ = -1;
    bool status_ = false;
    std::size_t rows_ = 24, cols_ = 80;
};

}  // namespace harness::chat
