#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mock_test {

namespace {
std::runtime_error errno_error(const char* what) {
    return std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

RawConnection::RawConnection(unsigned short port, int receive_buffer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw errno_error("socket");
    if (receive_buffer > 0 &&
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0) {
        const auto e = errno_error("setsockopt(SO_RCVBUF)");
        ::close(fd_);
        throw e;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const auto e = errno_error("connect");
        ::close(fd_);
        throw e;
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw errno_error("send");
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

RawConnection::Result RawConnection::read(std::chrono::milliseconds timeout,
                                          std::string_view marker) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    Result r;
    auto finish = [&](End end) {
        r.end = end;
        r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        return r;
    };
    for (;;) {
        if (!marker.empty() && r.bytes.find(marker) != std::string::npos)
            return finish(End::marker);
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return finish(End::timeout);
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) throw errno_error("poll");
        if (ready <= 0) continue;
        char buf[4096];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n == 0) return finish(End::eof);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            if (errno == ECONNRESET) return finish(End::reset);
            throw errno_error("recv");
        }
        r.bytes.append(buf, static_cast<std::size_t>(n));
    }
}

std::string_view to_string(RawConnection::End end) {
    switch (end) {
        case RawConnection::End::eof:
            return "eof";
        case RawConnection::End::reset:
            return "reset";
        case RawConnection::End::timeout:
            return "timeout";
        case RawConnection::End::marker:
            return "marker";
    }
    return "?";
}

}  // namespace mock_test
