// Raw bytes into a real mcp-server over loopback TCP: the HTTP upgrade path and WebSocket
// frames into a live session, on the server's own threads, listener, strands and timers.
//
// Input: the first byte chooses what comes before the rest. Even: nothing, the bytes are
// the whole connection (HTTP parsing, the upgrade, whatever follows). Odd: a valid upgrade
// request, so the rest is WebSocket frames (a client's frames are masked; the seeds use the
// all-zero mask so that payloads mutate as plain text). Then the client half-closes and
// reads until the server closes. A crash or sanitizer report in any server thread ends the
// process and is reported.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/mcp_server.hpp"

namespace {

struct World {
    World() {
        std::string pattern = "/tmp/msh-fuzz-ws-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        core::ServerConfig c;
        c.data_dir = pattern;
        c.port = 0;
        c.threads = 2;
        c.log_level = common::LogLevel::off;
        c.ollama.base_url = "http://127.0.0.1:9";
        c.max_message = 64 * 1024;
        server = new core::McpServer(c);
        port = server->listen().port();
        server->start_background();
    }
    core::McpServer* server;  // never destroyed: libFuzzer exits without unwinding
    unsigned short port = 0;
};

const World& world() {
    static const World w;
    return w;
}

constexpr std::string_view kUpgrade =
    "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

// A connection to the server. Tens of thousands a minute: our side ends with a reset, not in
// TIME_WAIT, or the ephemeral ports run out (EADDRNOTAVAIL) long before the server is in any
// trouble. A server that stops accepting is a finding: it is said why, then the process
// crashes so that libFuzzer keeps the input.
int connect_to(unsigned short port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int tries = 1;; ++tries) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const linger reset{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
        const int error = errno;
        ::close(fd);
        if (tries == 50) {
            std::fprintf(stderr, "server_ws_fuzz: connect failed 50 times: %s\n",
                         std::strerror(error));
            std::abort();
        }
        ::usleep(10'000);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const World& w = world();
    std::string bytes;
    if (data[0] % 2 == 1) bytes = kUpgrade;
    bytes.append(reinterpret_cast<const char*>(data) + 1, size - 1);

    const int fd = connect_to(w.port);
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server closed early (a refused request): fine
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    // Until the server closes (it must, after our half-close), bounded.
    for (int i = 0; i < 200; ++i) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10) < 0) break;
        if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        char buf[4096];
        if (::recv(fd, buf, sizeof buf, 0) <= 0) break;
    }
    ::close(fd);
    return 0;
}
