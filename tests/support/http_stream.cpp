#include "support/http_stream.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "support/raw_tcp.hpp"

namespace test_support {

using Clock = std::chrono::steady_clock;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

}  // namespace

std::optional<std::string> RawResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) return v;
    }
    return std::nullopt;
}

nlohmann::json RawResponse::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

std::string RawResponse::describe() const {
    std::string out = "HTTP " + std::to_string(status);
    for (const auto& [n, v] : headers) out += " | " + n + ": " + v;
    out += " | body: " + body.substr(0, 600);
    return out;
}

nlohmann::json SseMessage::json() const {
    return nlohmann::json::parse(data, nullptr, false);
}

std::string mcp_post(const std::string& body, const std::vector<std::string>& headers) {
    std::string out =
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Accept: application/json, text/event-stream\r\n";
    for (const auto& h : headers) out += h + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return out;
}

HttpStream::HttpStream(unsigned short port, int receive_buffer) {
    if (receive_buffer <= 0) {
        fd_ = connect_loopback(port);
        return;
    }
    // SO_RCVBUF must be set before connecting for the window to be small from the start.
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
}

HttpStream::~HttpStream() {
    close();
}

void HttpStream::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool HttpStream::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (fd_ >= 0 && sent < bytes.size()) {
        const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return fd_ >= 0;
}

long HttpStream::receive(Clock::time_point deadline, std::string& into) {
    if (fd_ < 0) return 0;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return -1;
    char buf[16384];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) into.append(buf, static_cast<std::size_t>(n));
    return n < 0 ? 0 : n;  // a reset is a close too
}

bool HttpStream::fill(Clock::time_point deadline) {
    if (receive(deadline, raw_) <= 0) return false;
    last_arrival_ = Clock::now();
    return true;
}

RawResponse HttpStream::read_head(std::chrono::milliseconds timeout) {
    RawResponse r;
    const auto deadline = Clock::now() + timeout;
    std::size_t end;
    while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
        if (!fill(deadline)) return r;
    }
    const std::string head = raw_.substr(0, end + 2);
    raw_.erase(0, end + 4);
    std::size_t at = head.find("\r\n");
    const std::string status_line = head.substr(0, at);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0 || status_line.size() < 12) return r;
    r.status = std::stoi(status_line.substr(9, 3));
    for (at += 2; at < head.size();) {
        const auto eol = head.find("\r\n", at);
        const std::string line = head.substr(at, eol - at);
        at = eol + 2;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        r.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
    }
    const auto te = r.header("Transfer-Encoding");
    r.chunked = te && iequals(*te, "chunked");
    const auto length = r.header("Content-Length");
    left_ = !r.chunked && length ? std::stoul(*length) : 0;
    in_chunk_ = false;
    decoded_.clear();
    r.complete = !r.chunked && left_ == 0;
    return r;
}

bool HttpStream::decode(RawResponse& r) {
    std::string& out = decoded_;
    const std::size_t before = out.size();
    if (!r.chunked) {
        const auto n = std::min(left_, raw_.size());
        out.append(raw_, 0, n);
        raw_.erase(0, n);
        left_ -= n;
        r.complete = left_ == 0;
        return out.size() > before || r.complete;
    }
    while (!r.complete) {
        if (!in_chunk_) {
            const auto eol = raw_.find("\r\n");
            if (eol == std::string::npos) break;
            const std::size_t size = std::stoul(raw_.substr(0, eol), nullptr, 16);
            if (size == 0) {
                if (raw_.size() < eol + 4) break;  // the empty trailer's CRLF
                raw_.erase(0, eol + 4);
                r.complete = true;
                break;
            }
            raw_.erase(0, eol + 2);
            left_ = size;
            in_chunk_ = true;
        }
        const auto n = std::min(left_, raw_.size());
        out.append(raw_, 0, n);
        raw_.erase(0, n);
        left_ -= n;
        if (left_ > 0 || raw_.size() < 2) break;
        raw_.erase(0, 2);  // the chunk's CRLF
        in_chunk_ = false;
    }
    return out.size() > before || r.complete;
}

bool HttpStream::read_body(RawResponse& r, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        decode(r);
        r.body += decoded_;
        decoded_.clear();
        if (r.complete) return true;
        if (!fill(deadline)) return false;
    }
}

RawResponse HttpStream::exchange(const std::string& request, std::chrono::milliseconds timeout) {
    if (!send(request)) return {};
    const auto deadline = Clock::now() + timeout;
    auto r = read_head(timeout);
    if (r.status == 0) return r;
    read_body(r, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    return r;
}

std::optional<SseMessage> HttpStream::next_event(RawResponse& r,
                                                 std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        std::size_t end;
        while ((end = decoded_.find("\n\n")) != std::string::npos) {
            const std::string block = decoded_.substr(0, end + 1);
            decoded_.erase(0, end + 2);
            SseMessage m{"", last_arrival_};
            bool has_data = false;
            for (std::size_t at = 0; at < block.size();) {
                const auto eol = block.find('\n', at);
                const std::string line = block.substr(at, eol - at);
                at = eol + 1;
                if (line.rfind("data:", 0) != 0) continue;  // event:, id:, comments
                std::string value = line.substr(5);
                if (!value.empty() && value[0] == ' ') value.erase(0, 1);
                m.data += (has_data ? "\n" : "") + value;
                has_data = true;
            }
            r.body += block + "\n";
            if (has_data) return m;
        }
        if (r.complete) return std::nullopt;
        if (!decode(r) && !fill(deadline)) return std::nullopt;
    }
}

bool HttpStream::closed_by_peer(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string discarded;
    for (;;) {
        const long n = receive(deadline, discarded);
        if (n < 0) return false;
        if (n == 0) return true;
        discarded.clear();
    }
}

}  // namespace test_support
