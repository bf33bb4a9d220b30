#pragma once
// The load client of the mock-ollama benchmarks: N streams over plain TCP, one socket each,
// all on one io_context run by the calling thread, so that the client costs little CPU and
// leaves the cores to the mock. It speaks just enough HTTP/1.1: one POST /api/generate per
// connection, then it counts the newline-terminated lines of the chunked reply (token lines
// end in "done":false}, the final line carries "done":true) without parsing the framing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace bench {

struct LoadOptions {
    unsigned short port = 0;
    std::size_t streams = 1;
    // What the mock was told (by its flags); the client needs it for its own lag figure.
    double tps = 20.0;
    std::size_t tokens = 100;  // a stream that ends with fewer tokens has failed
    double ttft_ms = 0.0;
    std::size_t connects_in_flight = 256;  // well below the listen backlog: no SYN retries
    std::chrono::milliseconds connect_timeout{30'000};
    std::chrono::milliseconds idle_timeout{10'000};  // no byte for this long: stream failed
    std::chrono::milliseconds stagger{0};  // requests spread evenly over this (0: all at once)
};

struct LoadResult {
    std::size_t connected = 0, completed = 0, failed = 0;
    std::uint64_t tokens = 0;
    double duration_s = 0;  // first request sent to last stream over
    // Client-side lag: token arrival minus its schedule (ttft + k / tps after the origin).
    // The mock's receipt time is unknown here, so each stream's origin is placed where its
    // earliest-relative token puts it: the lag is then what varies (mock lateness, delivery,
    // client delay), without the constant offset of sending the request.
    double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
    // The same with the moment the request was sent as the origin: this adds the time the
    // mock took to read and plan the request (large when all requests come at once).
    double lag_vs_send_p50_ms = 0, lag_vs_send_p99_ms = 0;
    // Stream 0: its tokens and the time between the arrivals of its first and last token.
    std::uint64_t stream0_tokens = 0;
    double stream0_first_to_last_s = 0;
    std::map<std::string, std::size_t> errors;  // why streams failed, with counts

    // "3 x read: Connection reset by peer; ..." (empty when nothing failed).
    std::string error_summary() const;
};

class LoadClient {
  public:
    explicit LoadClient(const LoadOptions& options);
    ~LoadClient();
    LoadClient(const LoadClient&) = delete;
    LoadClient& operator=(const LoadClient&) = delete;

    // Opens every connection (bounded by connect_timeout); returns how many are open.
    std::size_t connect_all();
    // Sends every request at once, then reads all streams to their end; each stream is
    // bounded by idle_timeout and the whole run by the expected duration plus a minute.
    LoadResult run_streams();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bench
