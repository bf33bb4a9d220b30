#pragma once
// Plays a Generation out over time on its session's strand: status line, then each token
// at its scheduled instant (absolute deadlines, so lateness never accumulates), the faults
// the request asked for, and the final chunk with real durations.
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "common/clock.hpp"
#include "http/http_session.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/http_server.hpp"

namespace mock_ollama {

class GenerationRun : public std::enable_shared_from_this<GenerationRun> {
  public:
    GenerationRun(std::shared_ptr<HttpSession> session, Generation generation,
                  ServerContext& context, common::SteadyClock::time_point received,
                  std::int64_t received_wall_us);

    void start();
    // The session's socket took everything queued: a generation held back by a client that
    // reads slowly goes on.
    void drained();
    // The client went away or the session closed: stop, emit nothing more.
    void abort(std::string_view outcome);

  private:
    using Clock = common::SteadyClock;

    void arm(std::chrono::nanoseconds offset);
    void tick();
    bool fault_due() const;
    bool apply_fault();  // false when the run must not go on now
    void emit_token();
    void finish_stream();
    void respond_whole();
    void send_head();
    void send_body(std::string_view bytes);
    // Records the outcome (request log, active streams). Called before the last bytes are
    // sent, so that a client that has the whole reply never finds its record unfinished.
    void settle(std::string_view outcome);
    void end(std::string_view outcome, HttpSession::After after);
    std::chrono::nanoseconds scaled(std::chrono::nanoseconds d) const {
        return common::scaled(d, gen_.time_scale);
    }
    std::chrono::nanoseconds offset_of(std::size_t i) const;
    Metrics metrics() const;

    std::shared_ptr<HttpSession> session_;
    Generation gen_;
    ServerContext& ctx_;
    boost::asio::steady_timer timer_;
    Clock::time_point received_;
    std::int64_t received_wall_us_;
    std::chrono::nanoseconds shift_{0};  // added by slow headers and finite stalls
    std::size_t next_ = 0;               // next token to emit (== size: the final chunk)
    std::size_t body_bytes_ = 0;
    std::string line_;  // the token line being sent, reused
    bool fault_applied_ = false;
    bool settled_ = false;
    bool done_ = false;
    bool waiting_drain_ = false;
    Clock::time_point first_token_at_{}, last_token_at_{};
};

}  // namespace mock_ollama
