#pragma once
// Routes the frames of one connection to the calls in flight on it: streamed tokens to their
// call (legacy frames by their "id", progress notifications by their progressToken), the
// final response by its id, everything else to one handler. No I/O: the client feeds it
// frames with their arrival times, and tests feed it recorded frames.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "harness/call_record.hpp"
#include "harness/frame.hpp"

namespace harness {

struct Arrival {
    std::int64_t steady_us = 0;
    std::int64_t wall_us = 0;
    static Arrival now();
};

using TokenHandler = std::function<void(const CallRecord& call, const TokenArrival& token)>;
using DoneHandler = std::function<void(CallRecord call)>;
using FrameHandler = std::function<void(const Frame& frame)>;

// A count with one writer (the router's owner, on its strand) that any thread may read, so
// that McpClient::stats() reports the router's own counts instead of keeping a second set.
// One writer: an increment is a load and a store, as cheap as a plain one, per token.
class Counter {
  public:
    Counter() = default;
    Counter(const Counter& other) : n_(other.get()) {}
    Counter& operator=(const Counter& other) {
        n_.store(other.get(), std::memory_order_relaxed);
        return *this;
    }
    Counter& operator++() {
        n_.store(n_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return *this;
    }
    std::uint64_t get() const { return n_.load(std::memory_order_relaxed); }
    operator std::uint64_t() const { return get(); }

  private:
    std::atomic<std::uint64_t> n_{0};
};

class Router {
  public:
    struct Counters {
        Counter frames;
        Counter tokens;     // routed to a call
        Counter responses;  // routed to a call
        Counter notifications;
        Counter server_requests;
        Counter unrouted;  // tokens or responses for no call in flight
        Counter invalid;   // routed here: received frames only (report() is not counted)
    };

    // Registers a call before its request is sent. `record.id` (and `progress_token` when the
    // call asked for progress notifications) must be set.
    void expect(CallRecord record, TokenHandler on_token, DoneHandler on_done, bool keep_tokens);
    // Stamps the call's send time (the frame was handed to the socket).
    void sent(const std::string& id, Arrival at);
    // Decodes and routes one frame. Handlers run before it returns.
    FrameKind route(std::string_view frame, Arrival at);
    // The same for a frame decoded already.
    void route(Frame frame, Arrival at);
    // Ends a call without a response (timeout, connection lost): its DoneHandler gets the
    // record with `error` set. False when the call is not in flight.
    bool fail(const std::string& id, const std::string& error, Arrival at);
    void fail_all(const std::string& error, Arrival at);

    // Notifications, server requests, unrouted tokens and responses, invalid frames.
    void on_other(FrameHandler handler) { on_other_ = std::move(handler); }
    // Hands a frame the owner made itself (a send that failed, as an invalid frame) to the
    // on_other handler without routing or counting it: the counters are of frames received.
    void report(const Frame& frame) {
        if (on_other_) on_other_(frame);
    }

    std::size_t in_flight() const { return by_id_.size(); }
    bool in_flight(const std::string& id) const { return by_id_.count(id) != 0; }
    const Counters& counters() const { return counters_; }

  private:
    struct Pending {
        CallRecord record;
        TokenHandler on_token;
        DoneHandler on_done;
        bool keep_tokens = true;
    };

    std::shared_ptr<Pending> take(const std::string& id);
    // Hands a token to its call without a reference count per token (a shared_ptr copy
    // here was 4 % of the client's CPU per token): a call its own token handler ends is
    // kept alive by take() until the handler is back.
    void dispatch(Pending& call, Frame& frame, Arrival at);
    void token(Pending& call, Frame& frame, Arrival at);
    void other(const Frame& frame);

    std::unordered_map<std::string, std::shared_ptr<Pending>> by_id_;
    std::unordered_map<std::string, std::shared_ptr<Pending>> by_progress_;
    std::size_t without_progress_ = 0;  // calls in flight that asked for legacy frames
    // The call the last progress token went to: a client streams one call at a time, and
    // comparing a short key costs less than hashing it for every token.
    std::string last_progress_key_;
    Pending* last_progress_ = nullptr;
    const Pending* dispatching_ = nullptr;
    std::shared_ptr<Pending> ended_in_handler_;
    FrameHandler on_other_;
    Counters counters_;
};

}  // namespace harness
