#include "http/stream.hpp"

#include <nlohmann/json.hpp>

#include "api/safe_text.hpp"
#include "common/log.hpp"
#include "http/http_session.hpp"

namespace mock_ollama {

namespace net = boost::asio;
using std::chrono::nanoseconds;
using After = HttpSession::After;

namespace {
constexpr std::size_t kBatchBytes = 64 * 1024;
constexpr std::chrono::nanoseconds kTimerGrid{250'000};

std::int64_t ns_between(common::SteadyClock::time_point a, common::SteadyClock::time_point b) {
    return std::chrono::duration_cast<nanoseconds>(b - a).count();
}
std::string_view content_type_of(ApiKind kind) {
    return is_openai(kind) ? "text/event-stream" : "application/x-ndjson";
}
}  // namespace

GenerationRun::GenerationRun(std::shared_ptr<HttpSession> session, Generation generation,
                             ServerContext& context, Clock::time_point received,
                             std::int64_t received_wall_us)
    : session_(std::move(session)),
      gen_(std::move(generation)),
      ctx_(context),
      timer_(session_->executor()),
      received_(received),
      received_wall_us_(received_wall_us) {}

nanoseconds GenerationRun::offset_of(std::size_t i) const {
    if (gen_.offsets.empty()) return gen_.ttft;
    return i < gen_.offsets.size() ? gen_.offsets[i] : gen_.offsets.back();
}

void GenerationRun::start() {
    ctx_.stats.stream_started();
    if (gen_.fault.kind == FaultKind::garbage) {
        settle("fault");
        session_->send("\x16\x03\x01\x02\x00garbage: this is not HTTP \xff\xfe\r\n\r\n");
        return end("fault", After::close);
    }
    if (gen_.fault.kind == FaultKind::slow_headers && gen_.fault.duration) {
        shift_ = scaled(*gen_.fault.duration);
    }
    if (!gen_.stream) {
        // Like Ollama with "stream": false, the reply comes when generation is over.
        timer_.expires_at(received_ + offset_of(gen_.tokens.size()) + shift_);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !self->done_) self->respond_whole();
        });
        return;
    }
    if (shift_ > nanoseconds::zero()) {
        timer_.expires_at(received_ + shift_);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->done_) return;
            self->send_head();
            self->arm(self->offset_of(0));
        });
        return;
    }
    send_head();
    if (gen_.fault.kind == FaultKind::empty) {
        settle("fault");
        session_->send(kLastChunk);
        return end("fault", After::keep_alive);
    }
    arm(offset_of(0));
}

void GenerationRun::send_head() {
    session_->send(http_head(200, content_type_of(gen_.kind), std::nullopt, {}, !gen_.keep_alive));
}

void GenerationRun::arm(nanoseconds offset) {
    // Deadlines are rounded up to a shared grid, so that the tokens of many streams due
    // within one grid step share one wakeup of the event loop (one epoll return and one
    // timerfd re-arm, instead of one each per token): at 2,000 streams those were a quarter
    // of the mock's CPU. A token is then at most one step late, which the lateness figures
    // include; the schedule itself stays absolute, so nothing accumulates.
    // The step shrinks with --time-scale below 1, so that a compressed run keeps its tokens
    // as far apart, relative to the step, as a real-time one.
    const auto since = (received_ + offset + shift_).time_since_epoch();
    const auto step = std::chrono::duration_cast<Clock::duration>(
        common::scaled(kTimerGrid, std::min(1.0, gen_.time_scale)));
    if (step <= Clock::duration::zero()) {
        timer_.expires_at(Clock::time_point(since));
    } else {
        timer_.expires_at(Clock::time_point((since + step - Clock::duration(1)) / step * step));
    }
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && !self->done_) self->tick();
    });
}

bool GenerationRun::fault_due() const {
    if (fault_applied_) return false;
    switch (gen_.fault.kind) {
        case FaultKind::stall:
        case FaultKind::reset:
        case FaultKind::close:
        case FaultKind::malformed_line:
        case FaultKind::error_line:
            return next_ == std::min(gen_.fault.after, gen_.tokens.size());
        default:
            return false;
    }
}

bool GenerationRun::apply_fault() {
    fault_applied_ = true;
    switch (gen_.fault.kind) {
        case FaultKind::stall:
            if (!gen_.fault.duration) {
                MSH_DEBUG(ctx_.log, "stalled forever after " + std::to_string(next_) + " tokens");
                return false;  // until the client gives up
            }
            shift_ += scaled(*gen_.fault.duration);
            arm(offset_of(next_));
            return false;
        case FaultKind::reset:
            end("fault", After::reset);
            return false;
        case FaultKind::close:
            end("fault", After::close);
            return false;
        case FaultKind::malformed_line:
            if (is_openai(gen_.kind)) {
                send_body("data: {\"id\":\"chatcmpl\",\"choices\":[{\"delta\":{\"content\n\n");
            } else {
                send_body(malformed_line(gen_.kind, gen_.model));
            }
            return true;
        case FaultKind::error_line:
            settle("fault");
            send_body(is_openai(gen_.kind) ? sse_error(gen_.fault.message)
                                           : ndjson_error(gen_.fault.message));
            session_->send(kLastChunk);
            end("fault", After::keep_alive);
            return false;
        default:
            return true;
    }
}

void GenerationRun::drained() {
    if (!waiting_drain_ || done_) return;
    waiting_drain_ = false;
    tick();
}

void GenerationRun::tick() {
    // A client that reads slower than the stream holds it back, as a real Ollama's blocked
    // write does: tokens wait (and count as late) rather than pile up in memory.
    if (session_->write_in_flight()) {
        waiting_drain_ = true;
        return;
    }
    // Every token already due goes out in this one wakeup, in one write: a stream at full
    // speed (or one behind schedule) costs one timer and one system call per batch, not per
    // token. The session stays referenced here: a fault or the end may release ours.
    const auto session = session_;
    session->cork();
    struct Uncork {
        HttpSession& s;
        ~Uncork() { s.uncork(); }
    } uncork{*session};
    const auto now = Clock::now();
    for (;;) {
        if (fault_due() && !apply_fault()) return;
        if (next_ == gen_.tokens.size()) return finish_stream();
        emit_token();
        ++next_;
        if (done_) return;
        if (received_ + offset_of(next_) + shift_ > now) break;
        // A bounded batch: the rest follows once the socket has taken this one.
        if (session->queued() >= kBatchBytes) break;
    }
    arm(offset_of(next_));
}

void GenerationRun::emit_token() {
    const auto now = Clock::now();
    const nanoseconds due = offset_of(next_) + shift_;
    if (gen_.kind != ApiKind::progress) {  // status lines are not tokens in the stats
        ctx_.stats.lateness(ns_between(received_ + due, now));
        ctx_.stats.token();
    }
    if (next_ == 0) first_token_at_ = now;
    last_token_at_ = now;
    const std::string& token = gen_.tokens[next_];
    gen_.record->add_token(common::wall_micros(), received_wall_us_ + due.count() / 1000);
    line_.clear();  // keeps its capacity: no allocation per token
    const std::int64_t created_s = received_wall_us_ / 1'000'000;
    const bool thinking = next_ < gen_.thinking_tokens;
    const bool calls = !gen_.tool_calls.empty() && next_ + 1 == gen_.tokens.size();
    if (gen_.kind == ApiKind::openai) {
        const bool first = next_ == 0;
        line_ = thinking ? sse_reasoning(gen_.completion_id, created_s, gen_.model, token, first)
                : calls ? sse_tool_calls(gen_.completion_id, created_s, gen_.model, gen_.tool_calls,
                                         first)
                        : sse_token(gen_.completion_id, created_s, gen_.model, token, first);
    } else if (gen_.kind == ApiKind::openai_completion) {
        line_ = sse_text_token(gen_.completion_id, created_s, gen_.model, token);
    } else if (gen_.kind == ApiKind::progress) {
        line_ = token;  // a status line, already JSON
        line_ += '\n';
    } else if (thinking) {
        append_ndjson_thinking(line_, gen_.kind, gen_.model, common::SystemClock::now(), token);
    } else if (calls) {
        line_ = ndjson_tool_calls(gen_.model, common::SystemClock::now(), gen_.tool_calls);
    } else {
        append_ndjson_token(line_, gen_.kind, gen_.model, common::SystemClock::now(), token);
    }
    send_body(line_);
}

Metrics GenerationRun::metrics() const {
    Metrics m;
    const auto now = Clock::now();
    m.total_duration = std::max<std::int64_t>(ns_between(received_, now), 1);
    const std::int64_t ttft = std::max<std::int64_t>(gen_.ttft.count(), 2);
    m.load_duration = std::max<std::int64_t>(ttft / 10, 1);
    m.prompt_eval_duration = std::max<std::int64_t>(ttft - m.load_duration, 1);
    m.prompt_eval_count = gen_.prompt_eval_count;
    m.eval_count = static_cast<std::int64_t>(gen_.tokens.size());
    m.eval_duration = std::max<std::int64_t>(ns_between(first_token_at_, last_token_at_), 1);
    if (first_token_at_ == Clock::time_point{}) {
        // Not streamed token by token: take the schedule's span.
        m.eval_duration =
            std::max<std::int64_t>((offset_of(gen_.tokens.size()) - offset_of(0)).count(), 1);
    }
    return m;
}

void GenerationRun::finish_stream() {
    settle("completed");
    const std::string created = common::rfc3339_nanos(common::SystemClock::now());
    if (gen_.kind == ApiKind::progress) {
        if (gen_.on_success) gen_.on_success();  // the last status line said "success"
    } else if (is_openai(gen_.kind)) {
        const std::int64_t created_s = received_wall_us_ / 1'000'000;
        std::string tail =
            sse_finish(gen_.completion_id, created_s, gen_.model,
                       openai_finish_reason(gen_.done_reason, !gen_.tool_calls.empty()), gen_.kind);
        if (gen_.include_usage) {
            tail += sse_usage(gen_.completion_id, created_s, gen_.model, gen_.prompt_eval_count,
                              static_cast<std::int64_t>(gen_.tokens.size()), gen_.kind);
        }
        tail += kSseDone;
        send_body(tail);
    } else {
        const auto j = final_object(gen_.kind, gen_.model, created, "", gen_.done_reason, metrics(),
                                    gen_.kind == ApiKind::generate ? &gen_.context : nullptr);
        send_body(dump_json(j) + "\n");
    }
    if (done_) return;  // a cut fault struck inside the final chunk
    session_->send(kLastChunk);
    end("completed", gen_.keep_alive ? After::keep_alive : After::close);
}

void GenerationRun::respond_whole() {
    // A stall holds the whole reply back; the tokens are recorded once, when it is over.
    if (gen_.fault.kind == FaultKind::stall && !fault_applied_) {
        fault_applied_ = true;
        if (!gen_.fault.duration) return;  // never answers
        shift_ += scaled(*gen_.fault.duration);
        timer_.expires_at(received_ + offset_of(gen_.tokens.size()) + shift_);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !self->done_) self->respond_whole();
        });
        return;
    }
    // Non-streaming: tokens were "generated" at their scheduled instants (as streamed, the
    // tokens before a stall's `after` are not delayed by it).
    const nanoseconds stall = gen_.fault.kind == FaultKind::stall && gen_.fault.duration
                                  ? scaled(*gen_.fault.duration)
                                  : nanoseconds::zero();
    for (std::size_t i = 0; i < gen_.tokens.size(); ++i) {
        const nanoseconds due =
            offset_of(i) + shift_ - (i < gen_.fault.after ? stall : nanoseconds::zero());
        gen_.record->add_token(received_wall_us_ + due.count() / 1000,
                               received_wall_us_ + due.count() / 1000);
        if (gen_.kind != ApiKind::progress) ctx_.stats.token();
    }
    // Thinking, content and the calls' slot apart, as Ollama gives them in one object.
    std::string thinking, text;
    const std::size_t content_end = gen_.tokens.size() - (gen_.tool_calls.empty() ? 0 : 1);
    for (std::size_t i = 0; i < content_end; ++i) {
        (i < gen_.thinking_tokens ? thinking : text) += gen_.tokens[i];
    }
    const ReplyExtras extras{thinking, &gen_.tool_calls};
    const bool close = !gen_.keep_alive;
    const bool faulted = gen_.fault.active() && gen_.fault.kind != FaultKind::slow_headers &&
                         gen_.fault.kind != FaultKind::stall;
    settle(faulted ? "fault" : "completed");
    switch (gen_.fault.kind) {
        case FaultKind::reset:
            return end("fault", After::reset);
        case FaultKind::close:
            return end("fault", After::close);
        case FaultKind::error_line:
            session_->send(is_openai(gen_.kind) ? http_openai_error(500, gen_.fault.message, close)
                                                : http_error(500, gen_.fault.message, close));
            return end("fault", close ? After::close : After::keep_alive);
        case FaultKind::empty:
            session_->send(http_response(200, "application/json; charset=utf-8", "", {}, close));
            return end("fault", close ? After::close : After::keep_alive);
        default:
            break;
    }
    std::string body;
    const auto finish = openai_finish_reason(gen_.done_reason, extras.has_calls());
    const auto completion_tokens = static_cast<std::int64_t>(gen_.tokens.size());
    if (gen_.kind == ApiKind::openai) {
        body = dump_json(openai_completion(gen_.completion_id, received_wall_us_ / 1'000'000,
                                           gen_.model, text, finish, gen_.prompt_eval_count,
                                           completion_tokens, extras));
    } else if (gen_.kind == ApiKind::openai_completion) {
        body = dump_json(openai_text_completion(gen_.completion_id, received_wall_us_ / 1'000'000,
                                                gen_.model, text, finish, gen_.prompt_eval_count,
                                                completion_tokens));
    } else if (gen_.kind == ApiKind::progress) {
        if (gen_.on_success) gen_.on_success();
        body = R"({"status":"success"})";
    } else {
        body = dump_json(
            final_object(gen_.kind, gen_.model, common::rfc3339_nanos(common::SystemClock::now()),
                         text, gen_.done_reason, metrics(),
                         gen_.kind == ApiKind::generate ? &gen_.context : nullptr, extras));
    }
    if (gen_.fault.kind == FaultKind::malformed_line) body.resize(body.size() / 2);
    std::string reply = http_response(200, "application/json; charset=utf-8", body, {}, close);
    if (gen_.fault.kind == FaultKind::cut) {
        const std::size_t head = reply.size() - body.size();
        reply.resize(head + std::min(gen_.fault.bytes, body.size()));
        session_->send(reply);
        return end("fault", After::close);
    }
    session_->send(reply);
    end("completed", close ? After::close : After::keep_alive);
}

void GenerationRun::send_body(std::string_view bytes) {
    if (done_) return;
    if (gen_.fault.kind == FaultKind::cut && body_bytes_ + bytes.size() > gen_.fault.bytes) {
        // Cut mid-line: the chunk header promises the whole line, only part of it comes.
        settle("fault");
        std::string framed;
        append_chunk(framed, bytes);
        const std::size_t header = framed.find("\r\n") + 2;
        framed.resize(header + (gen_.fault.bytes - body_bytes_));
        session_->send(framed);
        return end("fault", After::close);
    }
    body_bytes_ += bytes.size();
    session_->send_chunk(bytes);
}

void GenerationRun::settle(std::string_view outcome) {
    if (settled_) return;
    settled_ = true;
    gen_.record->finish(200, std::string(outcome), gen_.done_reason);
    ctx_.stats.stream_ended();
}

void GenerationRun::end(std::string_view outcome, After after) {
    if (done_) return;
    settle(outcome);
    done_ = true;
    timer_.cancel();
    MSH_DEBUG(ctx_.log, "request " + std::to_string(gen_.record->id) + " " + std::string(outcome) +
                            " after " + std::to_string(next_) + " tokens");
    auto session = std::move(session_);
    session->generation_finished(after);
}

void GenerationRun::abort(std::string_view outcome) {
    if (done_) return;
    done_ = true;
    timer_.cancel();
    if (!settled_) {
        settled_ = true;
        gen_.record->finish(0, std::string(outcome), gen_.done_reason);
        ctx_.stats.stream_ended();
    }
    MSH_DEBUG(ctx_.log, "request " + std::to_string(gen_.record->id) + " " + std::string(outcome) +
                            " after " + std::to_string(next_) + " tokens");
    session_.reset();
}

}  // namespace mock_ollama
