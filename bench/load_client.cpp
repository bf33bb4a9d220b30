#include "load_client.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "common/histogram.hpp"
#include "error_counts.hpp"

namespace bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

namespace {

constexpr std::string_view kTokenLineEnd = "\"done\":false}";
constexpr std::string_view kDoneTrue = "\"done\":true";
constexpr std::size_t kLineLimit = 64 * 1024;
constexpr auto kWatchdogPeriod = std::chrono::milliseconds(200);
constexpr int kConnectAttempts = 3;

enum class State { idle, connecting, connected, streaming, done, failed };

double ms(std::int64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

std::string request_text(unsigned short port) {
    const std::string body =
        R"({"model":"phi","prompt":"Name: Ada\nAge: 54\nSymptoms: cough, fever","stream":true})";
    return "POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

}  // namespace

std::string LoadResult::error_summary() const {
    return counted_errors_text(errors);
}

struct Stream {
    explicit Stream(net::io_context& io) : socket(io) {}
    tcp::socket socket;
    State state = State::idle;
    int connect_attempts = 0;
    bool status_seen = false;
    std::uint64_t tokens = 0;
    Clock::time_point sent{}, last_io{}, first_token{}, last_token{};
    std::vector<std::int64_t> lag_ns;  // per token: arrival minus schedule from `sent`
    std::string partial;               // an unfinished line carried over to the next read
    std::array<char, 2048> buffer{};
};

struct LoadClient::Impl {
    explicit Impl(const LoadOptions& o)
        : options(o),
          endpoint(net::ip::make_address_v4("127.0.0.1"), o.port),
          timer(io),
          pacer(io),
          request(request_text(o.port)),
          ttft(static_cast<std::int64_t>(o.ttft_ms * 1e6)),
          gap_ns(o.tps > 0 ? 1e9 / o.tps : 0.0) {
        streams.reserve(o.streams);  // handlers hold indices; the vector never reallocates
        for (std::size_t i = 0; i < o.streams; ++i) streams.emplace_back(io);
    }

    // ---- connect phase ----
    std::size_t connect_all() {
        connect_timed_out = false;
        const std::size_t first = std::min(options.connects_in_flight, streams.size());
        for (next_connect = 0; next_connect < first; ++next_connect) start_connect(next_connect);
        if (connects_pending > 0) {
            timer.expires_after(options.connect_timeout);
            timer.async_wait([this](boost::system::error_code ec) {
                if (ec) return;
                connect_timed_out = true;
                for (auto& s : streams) {
                    if (s.state == State::connecting) close(s);  // its handler fails it
                }
            });
        }
        io.restart();
        io.run();
        for (; next_connect < streams.size(); ++next_connect) {
            fail(next_connect, "connect: not attempted before the connect timeout");
        }
        return connected;
    }

    void start_connect(std::size_t i) {
        auto& s = streams[i];
        s.state = State::connecting;
        ++s.connect_attempts;
        ++connects_pending;
        s.socket.async_connect(endpoint,
                               [this, i](boost::system::error_code ec) { on_connect(i, ec); });
    }

    void on_connect(std::size_t i, boost::system::error_code ec) {
        --connects_pending;
        auto& s = streams[i];
        if (ec && connect_timed_out) {
            fail(i, "connect: timed out");
        } else if (ec && s.connect_attempts < kConnectAttempts) {
            close(s);
            start_connect(i);
            return;
        } else if (ec) {
            fail(i, "connect: " + ec.message());
        } else {
            boost::system::error_code ignored;
            s.socket.set_option(tcp::no_delay(true), ignored);
            s.state = State::connected;
            ++connected;
        }
        if (!connect_timed_out && next_connect < streams.size()) start_connect(next_connect++);
        if (connects_pending == 0) timer.cancel();
    }

    // ---- streaming phase ----
    LoadResult run_streams() {
        tokens = 0;
        active = 0;
        started = Clock::now();
        const auto expected =
            nanoseconds(ttft) +
            nanoseconds(static_cast<std::int64_t>(gap_ns * static_cast<double>(options.tokens)));
        overall_deadline = started + options.stagger + expected + std::chrono::minutes(1);
        to_send.clear();
        for (std::size_t i = 0; i < streams.size(); ++i) {
            auto& s = streams[i];
            if (s.state != State::connected) continue;
            s.state = State::streaming;
            s.lag_ns.reserve(options.tokens);
            ++active;
            to_send.push_back(i);
        }
        next_send = 0;
        send_due();
        if (active > 0) arm_watchdog();
        io.restart();
        io.run();
        finished = Clock::now();
        return result();
    }

    // Sends the requests whose turn has come: all at once without a stagger, else evenly
    // spread over it, checked every millisecond.
    void send_due() {
        std::size_t due = to_send.size();
        if (options.stagger.count() > 0) {
            const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
            const double span = std::chrono::duration<double>(options.stagger).count();
            const double n = static_cast<double>(to_send.size());
            due = std::min(to_send.size(), static_cast<std::size_t>(elapsed / span * n) + 1);
        }
        while (next_send < due) send_request(to_send[next_send++]);
        if (next_send < to_send.size()) {
            pacer.expires_after(std::chrono::milliseconds(1));
            pacer.async_wait([this](boost::system::error_code ec) {
                if (!ec) send_due();
            });
        }
    }

    void send_request(std::size_t i) {
        auto& s = streams[i];
        if (s.state != State::streaming) return;
        s.sent = Clock::now();
        s.last_io = s.sent;
        net::async_write(s.socket, net::buffer(request),
                         [this, i](boost::system::error_code ec, std::size_t) {
                             if (streams[i].state != State::streaming) return;
                             if (ec) return fail(i, "write: " + ec.message());
                             read(i);
                         });
    }

    void arm_watchdog() {
        timer.expires_after(kWatchdogPeriod);
        timer.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            const auto now = Clock::now();
            for (std::size_t i = 0; i < streams.size(); ++i) {
                const auto& s = streams[i];
                if (s.state != State::streaming || s.sent == Clock::time_point{}) continue;
                if (now - s.last_io > options.idle_timeout) {
                    fail(i, "no data for " + std::to_string(options.idle_timeout.count()) +
                                " ms (after " + std::to_string(s.tokens) + " tokens)");
                } else if (now > overall_deadline) {
                    fail(i, "run deadline passed");
                }
            }
            if (active > 0) arm_watchdog();
        });
    }

    void read(std::size_t i) {
        auto& s = streams[i];
        s.socket.async_read_some(
            net::buffer(s.buffer),
            [this, i](boost::system::error_code ec, std::size_t n) { on_read(i, ec, n); });
    }

    void on_read(std::size_t i, boost::system::error_code ec, std::size_t n) {
        auto& s = streams[i];
        if (s.state != State::streaming) return;  // failed or closed meanwhile
        if (ec == net::error::eof) {
            return fail(i, "closed by the mock before the final line");
        }
        if (ec) return fail(i, "read: " + ec.message());
        const auto now = Clock::now();  // one clock read per read: every line in it arrived now
        s.last_io = now;
        std::string_view data(s.buffer.data(), n);
        while (!data.empty() && s.state == State::streaming) {
            const auto nl = data.find('\n');
            if (nl == std::string_view::npos) {
                s.partial.append(data);
                if (s.partial.size() > kLineLimit) fail(i, "line longer than 64 KiB");
                break;
            }
            const auto line = data.substr(0, nl);
            data.remove_prefix(nl + 1);
            if (s.partial.empty()) {
                on_line(i, line, now);
            } else {
                s.partial.append(line);
                const std::string whole = std::move(s.partial);
                s.partial.clear();
                on_line(i, whole, now);
            }
        }
        if (s.state == State::streaming) read(i);
    }

    void on_line(std::size_t i, std::string_view line, Clock::time_point now) {
        auto& s = streams[i];
        if (!s.status_seen) {
            s.status_seen = true;
            if (!line.starts_with("HTTP/1.1 200")) {
                if (line.ends_with('\r')) line.remove_suffix(1);
                fail(i, "status: " + std::string(line.substr(0, 64)));
            }
            return;
        }
        if (line.ends_with(kTokenLineEnd)) return on_token(s, now);
        if (line.find(kDoneTrue) != std::string_view::npos) {
            if (s.tokens != options.tokens) {
                return fail(i, "done after " + std::to_string(s.tokens) + " tokens");
            }
            s.state = State::done;
            ++completed;
            close(s);
            --active;
            if (active == 0) timer.cancel();
            return;
        }
        if (line.starts_with("{\"error\""))
            fail(i, "error line: " + std::string(line.substr(0, 80)));
    }

    void on_token(Stream& s, Clock::time_point now) {
        const std::uint64_t k = s.tokens++;
        ++tokens;
        if (k == 0) s.first_token = now;
        s.last_token = now;
        const auto due = s.sent + nanoseconds(ttft) +
                         nanoseconds(static_cast<std::int64_t>(gap_ns * static_cast<double>(k)));
        s.lag_ns.push_back((now - due).count());
    }

    void fail(std::size_t i, const std::string& why) {
        auto& s = streams[i];
        if (s.state == State::done || s.state == State::failed) return;
        const bool was_streaming = s.state == State::streaming;
        s.state = State::failed;
        ++errors[why];
        close(s);
        if (was_streaming && --active == 0) timer.cancel();
    }

    static void close(Stream& s) {
        boost::system::error_code ignored;
        s.socket.close(ignored);
    }

    LoadResult result() const {
        auto lag = std::make_unique<common::Histogram>();
        auto lag_vs_send = std::make_unique<common::Histogram>();
        for (const auto& s : streams) {
            if (s.lag_ns.empty()) continue;
            const std::int64_t origin = *std::min_element(s.lag_ns.begin(), s.lag_ns.end());
            for (const std::int64_t l : s.lag_ns) {
                lag->record(l - origin);
                lag_vs_send->record(l);
            }
        }
        LoadResult r;
        r.connected = connected;
        r.completed = completed;
        r.failed = streams.size() - completed;
        r.tokens = tokens;
        r.duration_s = std::chrono::duration<double>(finished - started).count();
        r.lag_p50_ms = ms(lag->quantile(0.50));
        r.lag_p99_ms = ms(lag->quantile(0.99));
        r.lag_max_ms = ms(lag->max());
        r.lag_vs_send_p50_ms = ms(lag_vs_send->quantile(0.50));
        r.lag_vs_send_p99_ms = ms(lag_vs_send->quantile(0.99));
        if (!streams.empty()) {
            const auto& s0 = streams.front();
            r.stream0_tokens = s0.tokens;
            r.stream0_first_to_last_s =
                std::chrono::duration<double>(s0.last_token - s0.first_token).count();
        }
        r.errors = errors;
        return r;
    }

    LoadOptions options;
    net::io_context io{1};  // one thread: no locking inside Asio
    tcp::endpoint endpoint;
    net::steady_timer timer;  // connect timeout, then the streaming watchdog
    net::steady_timer pacer;  // staggered requests
    std::vector<Stream> streams;
    const std::string request;  // the same bytes for every stream
    const std::int64_t ttft;    // ns
    const double gap_ns;

    std::size_t next_connect = 0, connects_pending = 0, connected = 0, completed = 0;
    std::size_t active = 0;
    std::vector<std::size_t> to_send;  // connected streams, in the order their requests go
    std::size_t next_send = 0;
    bool connect_timed_out = false;
    std::uint64_t tokens = 0;
    Clock::time_point started{}, finished{}, overall_deadline{};
    std::map<std::string, std::size_t> errors;
};

LoadClient::LoadClient(const LoadOptions& options) : impl_(std::make_unique<Impl>(options)) {}
LoadClient::~LoadClient() = default;

std::size_t LoadClient::connect_all() {
    return impl_->connect_all();
}
LoadResult LoadClient::run_streams() {
    return impl_->run_streams();
}

}  // namespace bench
