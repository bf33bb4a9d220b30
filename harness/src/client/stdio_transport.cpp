// stdio: the client starts the server (ClientOptions::server_command) with its stdin and
// stdout on pipes and speaks newline-delimited JSON-RPC over them, non-blocking on the
// client's strand; the server's stderr is kept (its last lines) to explain an early exit.
// close() closes stdin and waits, bounded, for the process to exit, then SIGTERM, SIGKILL.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>

#include "client/beast_names.hpp"
#include "client/link.hpp"
#include "common/child_process.hpp"

namespace harness {

namespace {

using Outgoing = McpClient::Outgoing;
using Pipe = net::posix::stream_descriptor;

constexpr std::size_t kStderrTail = 8 * 1024;
constexpr auto kReapPoll = std::chrono::milliseconds(10);

std::string status_text(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

struct Spawned {
    pid_t pid = -1;
    int in = -1, out = -1, err = -1;  // our ends: the child's stdin, stdout, stderr
    std::string error;
};

Spawned spawn(const std::vector<std::string>& command) {
    Spawned s;
    std::vector<std::string> args = command;
    args[0] = common::find_program(args[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int in[2], out[2], err[2], exec_err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(exec_err, O_CLOEXEC) != 0) {
        s.error = std::string("pipe: ") + std::strerror(errno);
        return s;
    }
    const pid_t parent = ::getpid();
    s.pid = ::fork();
    if (s.pid < 0) {
        s.error = std::string("fork: ") + std::strerror(errno);
        return s;
    }
    if (s.pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the harness
        if (::getppid() != parent) ::_exit(127);
        ::setpgid(0, 0);  // a terminal's ^C goes to the harness, which stops it
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::execv(argv[0], argv.data());
        const int e = errno;
        [[maybe_unused]] auto n = ::write(exec_err[1], &e, sizeof e);
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    ::close(exec_err[1]);
    int child_errno = 0;
    const auto n = ::read(exec_err[0], &child_errno, sizeof child_errno);  // closed by exec
    ::close(exec_err[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        int status = 0;
        ::waitpid(s.pid, &status, 0);
        ::close(in[1]);
        ::close(out[0]);
        ::close(err[0]);
        s.pid = -1;
        s.error = "cannot start " + command[0] + ": " + std::strerror(child_errno);
        return s;
    }
    s.in = in[1];
    s.out = out[0];
    s.err = err[0];
    return s;
}

class StdioLink : public McpClient::Link, public std::enable_shared_from_this<StdioLink> {
  public:
    StdioLink(Strand strand, const ClientOptions& options, LinkEvents events)
        : options_(options),
          events_(std::move(events)),
          in_(strand),
          out_(strand),
          err_(strand),
          reap_timer_(strand) {}
    ~StdioLink() override { kill_now(); }

    void open(ConnectHandler done) override;
    bool send(Outgoing message, std::string& error) override;
    void close(CloseHandler done) override;
    void abort() override;

  private:
    void read_out();
    void on_out(beast::error_code ec, std::size_t n);
    void read_err();
    void do_write();
    void await_exit(std::chrono::steady_clock::time_point deadline, int signals_sent);
    void exited(int status);
    void lost(std::string why);
    std::string stderr_lines() const;
    void kill_now();

    ClientOptions options_;
    LinkEvents events_;
    Pipe in_, out_, err_;
    net::steady_timer reap_timer_;
    pid_t pid_ = -1;
    char chunk_[16 * 1024];
    char err_chunk_[4 * 1024];
    std::string partial_;  // a line begun in an earlier read
    std::string stderr_;   // the last kStderrTail bytes of the server's stderr
    std::deque<Outgoing> queue_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;
    bool stopped_ = false;
    std::vector<CloseHandler> on_closed_;
};

void StdioLink::open(ConnectHandler done) {
    if (options_.server_command.empty()) {
        return done({net::error::invalid_argument, "stdio: no server command to start"});
    }
    Spawned s = spawn(options_.server_command);
    if (!s.error.empty()) return done({net::error::invalid_argument, "stdio: " + s.error});
    pid_ = s.pid;
    in_.assign(s.in);
    out_.assign(s.out);
    err_.assign(s.err);
    beast::error_code ignored;
    in_.non_blocking(true, ignored);
    out_.non_blocking(true, ignored);
    err_.non_blocking(true, ignored);
    read_out();
    read_err();
    done({});
}

bool StdioLink::send(Outgoing message, std::string& error) {
    if (stopped_ || closing_) {
        error = "not connected";
        return false;
    }
    if (queued_bytes_ + message.data.size() > options_.queue_limit_bytes) {
        error = "outgoing queue full (" + std::to_string(queued_bytes_) + " bytes waiting)";
        return false;
    }
    // One message per line: JSON text has no raw newline, send_raw's may (the server's
    // problem, which is what a malformed-input test wants).
    message.data.push_back('\n');
    queued_bytes_ += message.data.size();
    queue_.push_back(std::move(message));
    if (!writing_) do_write();
    return true;
}

void StdioLink::do_write() {
    if (queue_.empty() || stopped_) return;
    writing_ = true;
    const Outgoing& item = queue_.front();
    if (!item.call_id.empty()) events_.sent(item.call_id, Arrival::now());
    net::async_write(in_, net::buffer(item.data),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         self->writing_ = false;
                         if (self->stopped_) return;
                         self->queued_bytes_ -= self->queue_.front().data.size();
                         self->queue_.pop_front();
                         // A broken pipe: the process is gone; reading stdout says how.
                         if (ec) return;
                         if (!self->queue_.empty()) return self->do_write();
                         if (self->closing_) {
                             beast::error_code ignored;
                             self->in_.close(ignored);
                         }
                     });
}

void StdioLink::read_out() {
    out_.async_read_some(
        net::buffer(chunk_),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_out(ec, n); });
}

void StdioLink::on_out(beast::error_code ec, std::size_t n) {
    if (stopped_) return;
    if (ec) {
        // stdout closed: the process is ending (or has). Either close() asked for it, or it
        // is an early exit, reported with its status once it is reaped.
        if (!closing_) closing_ = true;
        if (on_closed_.empty()) {
            return await_exit(std::chrono::steady_clock::now() + options_.connect_timeout, 0);
        }
        return;
    }
    const Arrival at = Arrival::now();
    std::string_view rest(chunk_, n);
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            if (partial_.size() + rest.size() > options_.max_message_bytes) {
                return lost("a message from the server exceeded " +
                            std::to_string(options_.max_message_bytes) + " bytes");
            }
            partial_.append(rest);
            break;
        }
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        if (!partial_.empty()) {
            partial_.append(line);
            line = partial_;
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) events_.message(line, at);
        partial_.clear();
        if (stopped_) return;
    }
    read_out();
}

void StdioLink::read_err() {
    err_.async_read_some(net::buffer(err_chunk_),
                         [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                             if (ec || self->stopped_) return;
                             self->stderr_.append(self->err_chunk_, n);
                             if (self->stderr_.size() > kStderrTail) {
                                 self->stderr_.erase(0, self->stderr_.size() - kStderrTail);
                             }
                             self->read_err();
                         });
}

std::string StdioLink::stderr_lines() const {
    std::string_view tail = stderr_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
    // The last few lines are what explains an exit.
    std::size_t cut = tail.size();
    for (int lines = 0; lines < 5 && cut != std::string_view::npos && cut > 0; ++lines) {
        cut = tail.rfind('\n', cut - 1);
    }
    if (cut != std::string_view::npos && cut < tail.size()) tail.remove_prefix(cut + 1);
    return std::string(tail);
}

void StdioLink::close(CloseHandler done) {
    if (stopped_) return done({});
    on_closed_.push_back(std::move(done));
    if (on_closed_.size() > 1) return;
    closing_ = true;
    beast::error_code ignored;
    if (!writing_) in_.close(ignored);  // else once the queued lines are written
    await_exit(std::chrono::steady_clock::now() + options_.connect_timeout, 0);
}

// Polls waitpid without blocking: at the deadline SIGTERM, a deadline later SIGKILL.
void StdioLink::await_exit(std::chrono::steady_clock::time_point deadline, int signals_sent) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || r < 0) return exited(r == pid_ ? status : -1);
    if (std::chrono::steady_clock::now() >= deadline) {
        if (signals_sent == 0) ::kill(pid_, SIGTERM);
        if (signals_sent == 1) ::kill(pid_, SIGKILL);
        if (signals_sent < 2) {
            ++signals_sent;
            deadline = std::chrono::steady_clock::now() + options_.connect_timeout;
        }
    }
    reap_timer_.expires_after(kReapPoll);
    reap_timer_.async_wait(
        [self = shared_from_this(), deadline, signals_sent](beast::error_code ec) {
            if (!ec && !self->stopped_) self->await_exit(deadline, signals_sent);
        });
}

void StdioLink::exited(int status) {
    pid_ = -1;
    const bool asked = !on_closed_.empty();
    std::string why = "the server process exited";
    if (status != -1) why += " (" + status_text(status) + ")";
    const bool clean = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    // The process is gone, but what it wrote last may still sit in the pipe unread: take it
    // now (the descriptor is non-blocking), or the error could miss the line that explains it.
    for (;;) {
        boost::system::error_code ec;
        const std::size_t n = err_.read_some(net::buffer(err_chunk_), ec);
        if (ec || n == 0) break;
        stderr_.append(err_chunk_, n);
        if (stderr_.size() > kStderrTail) stderr_.erase(0, stderr_.size() - kStderrTail);
    }
    const std::string err = stderr_lines();
    if (!err.empty()) why += "; its stderr ends: " + err;
    ClientError error;
    if (!asked || !clean) error = {net::error::connection_aborted, why};
    abort();
    if (asked) {
        auto waiters = std::move(on_closed_);
        for (auto& w : waiters) {
            if (w) w(error);
        }
    } else {
        events_.lost(error);
    }
}

void StdioLink::lost(std::string why) {
    abort();
    events_.lost({net::error::message_size, std::move(why)});
}

void StdioLink::abort() {
    stopped_ = true;
    beast::error_code ignored;
    in_.close(ignored);
    out_.close(ignored);
    err_.close(ignored);
    reap_timer_.cancel();
    queue_.clear();
    queued_bytes_ = 0;
    kill_now();
}

void StdioLink::kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);  // a killed process is reaped at once
    pid_ = -1;
}

}  // namespace

std::shared_ptr<McpClient::Link> make_stdio_link(Strand strand, const ClientOptions& options,
                                                 LinkEvents events) {
    return std::make_shared<StdioLink>(strand, options, std::move(events));
}

}  // namespace harness
