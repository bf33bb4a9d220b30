#pragma once
// An mcp-server child in stdio mode, as an MCP host starts one: its stdin and stdout are pipes
// held here, its stderr goes to a temp file (printed when the test failed). Lines written go
// to its stdin; lines read come from its stdout, every wait bounded.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace server_test {

class StdioChild {
  public:
    // `binary --stdio <args>`; OLLAMA_HOST removed from its environment. Throws when it cannot
    // be started.
    StdioChild(const std::string& binary, std::vector<std::string> args);
    ~StdioChild();  // SIGKILL if still running
    StdioChild(const StdioChild&) = delete;
    StdioChild& operator=(const StdioChild&) = delete;

    // Writes all of `bytes` to its stdin (false when the pipe is closed).
    bool write(std::string_view bytes);
    bool write_line(std::string_view line) { return write(std::string(line) + "\n"); }
    void close_stdin();
    // Closes our end of its stdout: its next write fails (EPIPE).
    void close_stdout();

    // The next line of its stdout, without the '\n'; nullopt on timeout or end of stdout
    // (eof() says which).
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    bool eof() const { return eof_; }
    // Bytes of stdout received after the last complete line.
    const std::string& unread() const { return buffer_; }

    pid_t pid() const { return pid_; }
    void signal(int signo) const;
    // Its exit status (code, or 128 + signal) once it exited within `timeout`; -1 otherwise.
    int wait_exit(std::chrono::milliseconds timeout);
    std::string stderr_text() const;

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    int in_ = -1;   // its stdin, our write end
    int out_ = -1;  // its stdout, our read end
    bool eof_ = false;
    std::string buffer_;
    std::filesystem::path stderr_file_;
};

}  // namespace server_test
