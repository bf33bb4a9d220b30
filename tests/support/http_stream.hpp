#pragma once
// A blocking HTTP/1.1 client over one raw loopback socket, for Streamable HTTP tests: it sends
// exact request bytes, reads a response head, then its body (Content-Length or chunked)
// whole, or a text/event-stream body one event at a time with the time each event arrived.
// Every read is bounded by a timeout; the connection is kept alive between exchanges.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace test_support {

struct RawResponse {
    int status = 0;  // 0: no (complete) response head arrived
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;       // decoded (chunks joined)
    bool chunked = false;   // Transfer-Encoding: chunked
    bool complete = false;  // the whole body arrived

    // The first header `name` (case-insensitive); nullopt when absent.
    std::optional<std::string> header(std::string_view name) const;
    nlohmann::json json() const;   // the body as JSON; discarded when it is not
    std::string describe() const;  // status, headers and the body's start, for messages
};

struct SseMessage {
    std::string data;                          // the data lines joined with "\n"
    std::chrono::steady_clock::time_point at;  // when its last byte arrived
    nlohmann::json json() const;
};

// "POST /mcp HTTP/1.1" with Host, Content-Type application/json, Accept for both answers and
// Content-Length; `headers` are extra lines "Name: value" (they may replace none of those).
std::string mcp_post(const std::string& body, const std::vector<std::string>& headers = {});

class HttpStream {
  public:
    // Connected to 127.0.0.1:port; `receive_buffer` > 0 sets SO_RCVBUF first (a slow reader).
    explicit HttpStream(unsigned short port, int receive_buffer = 0);
    ~HttpStream();
    HttpStream(const HttpStream&) = delete;
    HttpStream& operator=(const HttpStream&) = delete;

    bool connected() const { return fd_ >= 0; }
    bool send(const std::string& bytes);
    // The next response head; status 0 when none arrived in time or the peer closed first.
    RawResponse read_head(std::chrono::milliseconds timeout);
    // The rest of `r`'s body (not an event stream read event by event).
    bool read_body(RawResponse& r, std::chrono::milliseconds timeout);
    // send + read_head + read_body.
    RawResponse exchange(const std::string& request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next event of the event-stream body `r` (whose head read_head gave); nullopt when the
    // body ended (r.complete is then set) or nothing came in time. SSE comments are skipped.
    std::optional<SseMessage> next_event(RawResponse& r, std::chrono::milliseconds timeout);
    // True when the peer closes the connection within `timeout` (bytes sent meanwhile are
    // discarded).
    bool closed_by_peer(std::chrono::milliseconds timeout);
    void close();  // now, with a FIN

  private:
    // One recv into `into`, waiting until `deadline` (a deadline passed: one look): bytes
    // received, 0 when the peer closed (or the socket is), -1 on timeout.
    long receive(std::chrono::steady_clock::time_point deadline, std::string& into);
    // Receives more bytes into raw_ until `deadline`; false on timeout or close.
    bool fill(std::chrono::steady_clock::time_point deadline);
    // Moves decoded body bytes from raw_ into r.body/decoded_; false when more input is needed.
    bool decode(RawResponse& r);

    int fd_ = -1;
    std::string raw_;       // received, not yet consumed
    std::string decoded_;   // body bytes not yet cut into events
    std::size_t left_ = 0;  // bytes of the current chunk (or of a Content-Length body) to go
    bool in_chunk_ = false;
    std::chrono::steady_clock::time_point last_arrival_{};
};

}  // namespace test_support
