#include "harness/router.hpp"

#include "common/clock.hpp"

namespace harness {

Arrival Arrival::now() {
    const auto steady = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
    return {steady.count(), common::wall_micros()};
}

void Router::expect(CallRecord record, TokenHandler on_token, DoneHandler on_done,
                    bool keep_tokens) {
    auto call = std::make_shared<Pending>();
    const std::string id = record.id;
    if (!record.progress_token.empty()) {
        by_progress_[record.progress_token] = call;
        last_progress_ = nullptr;  // the token may have named another call until now
    } else {
        ++without_progress_;
    }
    call->record = std::move(record);
    call->on_token = std::move(on_token);
    call->on_done = std::move(on_done);
    call->keep_tokens = keep_tokens;
    by_id_[id] = std::move(call);
}

void Router::sent(const std::string& id, Arrival at) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return;
    it->second->record.sent_steady_us = at.steady_us;
    it->second->record.sent_wall_us = at.wall_us;
}

std::shared_ptr<Router::Pending> Router::take(const std::string& id) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) return nullptr;
    auto call = std::move(it->second);
    by_id_.erase(it);
    if (call.get() == dispatching_) ended_in_handler_ = call;
    if (!call->record.progress_token.empty()) {
        by_progress_.erase(call->record.progress_token);
        if (last_progress_ == call.get()) last_progress_ = nullptr;
    } else {
        --without_progress_;
    }
    return call;
}

FrameKind Router::route(std::string_view text, Arrival at) {
    Frame frame = parse_frame(text);
    const FrameKind kind = frame.kind;
    route(std::move(frame), at);
    return kind;
}

void Router::route(Frame frame, Arrival at) {
    ++counters_.frames;
    switch (frame.kind) {
        case FrameKind::legacy_token: {
            Pending* call = nullptr;
            if (!frame.route.empty()) {
                const auto it = by_id_.find(frame.route);
                if (it != by_id_.end()) call = it->second.get();
            } else if (without_progress_ == 1) {
                // The original server's frames carry no id: with one legacy call in flight
                // they can only be its tokens.
                for (const auto& [id, pending] : by_id_) {
                    if (pending->record.progress_token.empty()) call = pending.get();
                }
            }
            if (call == nullptr) return other(frame);
            return dispatch(*call, frame, at);
        }
        case FrameKind::progress_token: {
            if (last_progress_ == nullptr || frame.route != last_progress_key_) {
                const auto it = by_progress_.find(frame.route);
                if (it == by_progress_.end()) return other(frame);
                last_progress_ = it->second.get();
                last_progress_key_ = it->first;
            }
            return dispatch(*last_progress_, frame, at);
        }
        case FrameKind::response: {
            auto call = take(frame.route);
            if (!call) return other(frame);
            ++counters_.responses;
            call->record.response_steady_us = at.steady_us;
            call->record.response_wall_us = at.wall_us;
            call->record.response = std::move(frame.message);
            if (call->on_done) call->on_done(std::move(call->record));
            return;
        }
        case FrameKind::notification:
            ++counters_.notifications;
            return other(frame);
        case FrameKind::server_request:
            ++counters_.server_requests;
            return other(frame);
        case FrameKind::invalid:
            ++counters_.invalid;
            return other(frame);
    }
}

void Router::dispatch(Pending& call, Frame& frame, Arrival at) {
    dispatching_ = &call;
    token(call, frame, at);
    dispatching_ = nullptr;
    ended_in_handler_.reset();  // a call its handler ended goes now, not under its feet
}

void Router::token(Pending& call, Frame& frame, Arrival at) {
    ++counters_.tokens;
    CallRecord& r = call.record;
    ++r.token_count;
    if (r.first_token_steady_us == 0) r.first_token_steady_us = at.steady_us;
    r.last_token_steady_us = at.steady_us;
    TokenArrival t;
    t.steady_us = at.steady_us;
    t.wall_us = at.wall_us;
    t.text = std::move(frame.text);
    t.position = frame.position;
    t.progress = frame.progress;
    t.form = frame.kind == FrameKind::legacy_token ? StreamForm::legacy : StreamForm::progress;
    if (call.keep_tokens) {
        if (r.tokens.empty()) r.tokens.reserve(128);
        r.tokens.push_back(std::move(t));
        if (call.on_token) call.on_token(r, r.tokens.back());
    } else if (call.on_token) {
        call.on_token(r, t);
    }
}

void Router::other(const Frame& frame) {
    if (frame.kind == FrameKind::legacy_token || frame.kind == FrameKind::progress_token ||
        frame.kind == FrameKind::response) {
        ++counters_.unrouted;
    }
    if (on_other_) on_other_(frame);
}

bool Router::fail(const std::string& id, const std::string& error, Arrival at) {
    auto call = take(id);
    if (!call) return false;
    call->record.error = error;
    call->record.failed_steady_us = at.steady_us;
    if (call->on_done) call->on_done(std::move(call->record));
    return true;
}

void Router::fail_all(const std::string& error, Arrival at) {
    while (!by_id_.empty()) {
        const std::string id = by_id_.begin()->first;  // fail() erases the key
        fail(id, error, at);
    }
}

}  // namespace harness
