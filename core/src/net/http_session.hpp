#pragma once
// Streamable HTTP sessions of the 2025 revisions. A session is the McpSession that an
// initialize POST created, on a strand of its own; each later POST hands it one message, and
// what the session sends for that message goes back on that POST's response (a ResponseSink).
// The table issues session ids, finds them, ends them (DELETE, idle timeout) and bounds their
// number.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/jsonrpc.hpp"
#include "core/server_state.hpp"
#include "mcp/mcp_session.hpp"

namespace core {

// One POST's response, seen from whoever answers it. Any thread.
class ResponseSink {
  public:
    virtual ~ResponseSink() = default;
    virtual void deliver(std::string frame, const Route& route) = 0;
    // The request was cancelled: no answer will come; the response ends without one.
    virtual void end_unanswered() = 0;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(ServerState& state, boost::asio::any_io_executor strand, std::string id,
                std::string peer);
    const std::string& id() const { return id_; }

    // Hands one message to the session (any thread). A request's answer, and its progress
    // notifications, go to `sink`; notifications and responses have none.
    void post(Incoming message, std::shared_ptr<ResponseSink> sink);
    // The response stream of request `key` is gone before its answer: the call is cancelled
    // (without resumability its answer could never be delivered). Any thread.
    void stream_lost(std::string key);
    // DELETE, idle timeout: everything in flight is cancelled. Any thread.
    void end();
    // Nothing in flight and no message since `cutoff`.
    bool idle_before(std::chrono::steady_clock::time_point cutoff) const;

  private:
    void dispatch(const Incoming& message, std::shared_ptr<ResponseSink> sink);
    void send(std::string frame, const Route& route);
    void touch();

    ServerState& state_;
    boost::asio::any_io_executor strand_;
    std::string id_;
    std::shared_ptr<McpSession> mcp_;
    // On the strand: the POST whose message is being handled now, and those that wait for a
    // call's answer, by request id.
    std::shared_ptr<ResponseSink> current_;
    std::map<std::string, std::weak_ptr<ResponseSink>, std::less<>> waiting_;
    std::atomic<std::int64_t> last_used_ns_{0};
    std::atomic<std::size_t> in_flight_{0};
};

class HttpSessions {
  public:
    HttpSessions(boost::asio::io_context& io, ServerState& state);
    // A new session with a fresh id; nullptr when max_sessions are open.
    std::shared_ptr<HttpSession> open(const std::string& peer);
    std::shared_ptr<HttpSession> find(std::string_view id) const;
    // Ends and forgets a session; false when there is none by that id.
    bool close(std::string_view id);
    // Stops the idle sweep (server shutdown: its timer must not keep the loop busy).
    void stop_sweeping();
    std::size_t size() const;

  private:
    void sweep();

    boost::asio::io_context& io_;
    ServerState& state_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<HttpSession>, std::less<>> sessions_;
    boost::asio::steady_timer sweep_timer_;
    bool sweeping_ = false;
};

}  // namespace core
