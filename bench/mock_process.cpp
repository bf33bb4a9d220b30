#include "mock_process.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::size_t kReplyLimit = 16 << 20;
}

std::filesystem::path MockProcess::make_stderr_path() {
    static std::atomic<int> counter{0};
    return std::filesystem::temp_directory_path() /
           ("mock_ollama_bench_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter.fetch_add(1)) + ".log");
}

namespace {
common::ChildProcess start_child(const std::string& binary, const std::vector<std::string>& flags,
                                 const std::filesystem::path& stderr_path) {
    std::vector<std::string> argv = {binary, "--port", "0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    try {
        return common::ChildProcess({.argv = argv, .stderr_file = stderr_path});
    } catch (const std::exception& e) {
        std::error_code ignored;
        std::filesystem::remove(stderr_path, ignored);
        throw std::runtime_error("mock-ollama failed to start: " + std::string(e.what()));
    }
}
}  // namespace

MockProcess::MockProcess(const std::string& binary, const std::vector<std::string>& flags)
    : stderr_path_(make_stderr_path()), child_(start_child(binary, flags, stderr_path_)) {
    try {
        const auto line = child_.wait_for_line("listening on", std::chrono::seconds(10));
        port_ = common::port_from_ready_line(line);
        if (port_ == 0) throw std::runtime_error("no port in its ready line: " + line);
    } catch (const std::exception& e) {
        child_.stop();
        std::error_code ignored;
        std::filesystem::remove(stderr_path_, ignored);
        throw std::runtime_error("mock-ollama (" + binary + ") failed to start: " + e.what());
    }
}

MockProcess::~MockProcess() {
    child_.stop();
    std::error_code ignored;
    std::filesystem::remove(stderr_path_, ignored);
}

nlohmann::json MockProcess::stats() {
    return nlohmann::json::parse(http_call(port_, "GET", "/_mock/stats"));
}

void MockProcess::reset() {
    http_call(port_, "POST", "/_mock/reset");
}

bool MockProcess::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // The admin connection itself is open while the stats are taken: one more.
        if (stats().value("open_connections", std::int64_t{0}) >=
            static_cast<std::int64_t>(n + 1)) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

double MockProcess::peak_rss_mib() const {
    std::ifstream status("/proc/" + std::to_string(child_.pid()) + "/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            double kib = 0;
            status >> kib;
            return kib / 1024.0;
        }
        status.ignore(4096, '\n');
    }
    return 0;
}

std::string http_call(unsigned short port, std::string_view method, std::string_view target,
                      std::chrono::milliseconds timeout) {
    net::io_context io(1);
    tcp::socket socket(io);
    const std::string request = std::string(method) + " " + std::string(target) +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                "Content-Length: 0\r\n\r\n";
    std::string reply;
    boost::system::error_code result;
    bool done = false;
    const tcp::endpoint endpoint(net::ip::make_address_v4("127.0.0.1"), port);
    socket.async_connect(endpoint, [&](boost::system::error_code ec) {
        if (ec) {
            result = ec;
            done = true;
            return;
        }
        net::async_write(socket, net::buffer(request),
                         [&](boost::system::error_code wec, std::size_t) {
                             if (wec) {
                                 result = wec;
                                 done = true;
                                 return;
                             }
                             net::async_read(socket, net::dynamic_buffer(reply, kReplyLimit),
                                             [&](boost::system::error_code rec, std::size_t) {
                                                 if (rec != net::error::eof) result = rec;
                                                 done = true;
                                             });
                         });
    });
    io.run_for(timeout);
    const std::string what = std::string(method) + " " + std::string(target) + ": ";
    if (!done)
        throw std::runtime_error(what + "no complete reply within " +
                                 std::to_string(timeout.count()) + " ms");
    if (result) throw std::runtime_error(what + result.message());
    if (!reply.starts_with("HTTP/1.1 200")) {
        throw std::runtime_error(what + reply.substr(0, reply.find('\r')));
    }
    const auto body = reply.find("\r\n\r\n");
    if (body == std::string::npos) throw std::runtime_error(what + "reply without a body");
    return reply.substr(body + 4);
}

std::size_t raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace bench
