// loopback_floor: what one small TCP segment on loopback costs this machine, with no HTTP,
// no Asio and no timers in the way -- the floor under any mock or server that writes one
// token per segment. A sender thread writes one 120-byte message per connection at a fixed
// rate (connections spread evenly over the period, TCP_NODELAY, non-blocking sends); a
// receiver thread reads them all through epoll. Each thread's own CPU time
// (CLOCK_THREAD_CPUTIME_ID) divided by the segments gives µs per segment on each side.
//
//   BM_LoopbackSegments/N/R   N connections, R messages per second each, 3 s
//
// Counters: send_us_per_segment, recv_us_per_segment, segments_per_s (achieved), and
// cores_for_10000x20: (send + recv) × 200,000 segments/s -- the CPU that 10,000 streams at
// 20 tok/s need for their segments alone, before any application work.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd& operator=(Fd&&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// N connected pairs: `senders` are the accepted ends, `receivers` the connecting ends.
void connect_pairs(std::size_t n, std::vector<Fd>& senders, std::vector<Fd>& receivers) {
    Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (listener.fd < 0) fail("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    if (::bind(listener.fd, sa, sizeof addr) != 0) fail("bind");
    if (::listen(listener.fd, 4096) != 0) fail("listen");
    if (::getsockname(listener.fd, sa, &len) != 0) fail("getsockname");
    const int one = 1;
    for (std::size_t i = 0; i < n; ++i) {
        Fd c(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (c.fd < 0) fail("socket");
        if (::connect(c.fd, sa, sizeof addr) != 0) fail("connect");
        Fd s(::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (s.fd < 0) fail("accept");
        ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::fcntl(c.fd, F_SETFL, O_NONBLOCK);
        senders.push_back(std::move(s));
        receivers.push_back(std::move(c));
    }
}

void BM_LoopbackSegments(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto rate = static_cast<double>(state.range(1));
    constexpr double kSeconds = 3;
    const std::string message(119, 'x');
    try {
        std::vector<Fd> senders, receivers;
        connect_pairs(n, senders, receivers);
        for (auto _ : state) {
            Fd ep(::epoll_create1(EPOLL_CLOEXEC));
            for (std::size_t i = 0; i < n; ++i) {
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.u64 = i;
                if (::epoll_ctl(ep.fd, EPOLL_CTL_ADD, receivers[i].fd, &ev) != 0) fail("epoll");
            }
            const std::size_t total = n * static_cast<std::size_t>(rate * kSeconds);
            std::atomic<bool> sending{true};
            std::size_t received_bytes = 0;
            double recv_cpu = 0;
            std::thread receiver([&] {
                const double cpu0 = thread_cpu_s();
                std::vector<epoll_event> events(1024);
                char buf[65536];
                const std::size_t want = total * (message.size() + 1);
                while (received_bytes < want) {
                    const int k = ::epoll_wait(ep.fd, events.data(), 1024, 100);
                    if (k == 0 && !sending.load()) break;  // nothing more is coming
                    for (int e = 0; e < k; ++e) {
                        const int fd = receivers[events[static_cast<std::size_t>(e)].data.u64].fd;
                        for (;;) {
                            const auto got = ::recv(fd, buf, sizeof buf, 0);
                            if (got <= 0) break;
                            received_bytes += static_cast<std::size_t>(got);
                        }
                    }
                }
                recv_cpu = thread_cpu_s() - cpu0;
            });

            // Connection i is due at (k + i / n) / rate for k = 0, 1, ...
            const double cpu0 = thread_cpu_s();
            const auto start = Clock::now();
            std::size_t sent = 0, failed = 0;
            const std::string line = message + "\n";
            while (sent + failed < total) {
                const double t = std::chrono::duration<double>(Clock::now() - start).count();
                const auto due = std::min(total, static_cast<std::size_t>(t * rate * n) + 1);
                for (; sent + failed < due;) {
                    const std::size_t i = (sent + failed) % n;
                    if (::send(senders[i].fd, line.data(), line.size(), MSG_NOSIGNAL) ==
                        static_cast<ssize_t>(line.size())) {
                        ++sent;
                    } else {
                        ++failed;
                    }
                }
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            const double send_cpu = thread_cpu_s() - cpu0;
            const double wall = std::chrono::duration<double>(Clock::now() - start).count();
            sending = false;
            receiver.join();
            state.SetIterationTime(wall);
            const double segs = static_cast<double>(sent);
            state.counters["send_us_per_segment"] = send_cpu / segs * 1e6;
            state.counters["recv_us_per_segment"] = recv_cpu / segs * 1e6;
            state.counters["segments_per_s"] = segs / wall;
            state.counters["send_failures"] = static_cast<double>(failed);
            state.counters["received_ok"] = received_bytes == sent * line.size() ? 1.0 : 0.0;
            state.counters["cores_for_10000x20"] = (send_cpu + recv_cpu) / segs * 200'000.0;
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

BENCHMARK(BM_LoopbackSegments)
    ->Args({1000, 20})
    ->Args({2000, 20})
    ->Args({5000, 20})
    ->Args({1000, 100})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
