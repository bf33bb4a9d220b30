#include "client/client_script.hpp"

#include <boost/asio/post.hpp>

#include "common/clock.hpp"
#include "common/version.hpp"

namespace harness {

namespace net = boost::asio;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// How long a raw frame or an oversized message may take to be answered (real time).
constexpr milliseconds kAnswerWait{10'000};

// The step in `slot` gets kAnswerWait to be answered: then `error`, the slot cleared and `next`
// run, unless the slot has moved on by then. `keep` keeps the script (owner of slot and next)
// alive until the timer fires. expect_frame and expect_close each wait with it.
void answer_within(const net::strand<net::io_context::executor_type>& strand,
                   std::shared_ptr<void> keep, StepRecord*& slot, std::function<void()>& next,
                   std::string error) {
    auto timer = std::make_shared<net::steady_timer>(strand, kAnswerWait);
    timer->async_wait([keep = std::move(keep), timer, r = slot, &slot, &next,
                       error = std::move(error)](boost::system::error_code ec) {
        if (ec || slot != r) return;
        r->call.error = error;
        slot = nullptr;
        if (auto n = std::move(next)) n();
    });
}

void collect_cancel_targets(const std::vector<Step>& steps, std::set<std::string>& out) {
    for (const auto& s : steps) {
        if (s.kind == StepKind::cancel) out.insert(s.target);
        collect_cancel_targets(s.steps, out);
    }
}

}  // namespace

ClientScript::ClientScript(net::io_context& io, ScriptContext context)
    : io_(io), strand_(net::make_strand(io)), ctx_(std::move(context)) {
    collect_cancel_targets(ctx_.scenario->steps, cancel_targets_);
}

ClientScript::~ClientScript() {
    release_slot();
}

void ClientScript::release_slot() {
    if (ctx_.window && holds_slot_.exchange(false)) ctx_.window->release();
}

void ClientScript::start(const std::string& url, ClientOptions options,
                         std::function<void()> done) {
    done_ = std::move(done);
    transport_ = options.transport;
    client_ = McpClient::create(io_);
    // Every handler the client keeps holds the script weakly (see the header); once posted
    // to our strand it holds it strongly, as the loop drops what it has not run yet.
    const std::weak_ptr<ClientScript> weak = weak_from_this();
    client_->on_other([weak](const Frame& f) {
        if (auto self = weak.lock()) net::post(self->strand_, [self, f] { self->on_frame(f); });
    });
    client_->on_close([weak](const ClientError& e) {
        if (auto self = weak.lock()) net::post(self->strand_, [self, e] { self->on_closed(e); });
    });
    if (!ctx_.window) return connect_now(url, options);
    // The window keeps this until our turn (weak, like every handler kept elsewhere); it
    // runs it, so it is alive whenever it does.
    ctx_.window->acquire([weak, window = ctx_.window.get(), url, options] {
        auto self = weak.lock();
        if (!self) return window->release();  // gone while waiting: the turn passes on
        self->holds_slot_ = true;
        self->connect_now(url, options);
    });
}

void ClientScript::connect_now(const std::string& url, const ClientOptions& options) {
    const std::weak_ptr<ClientScript> weak = weak_from_this();
    client_->connect(url, options, [weak](const ClientError& e) {
        auto self = weak.lock();
        if (!self) return;
        net::post(self->strand_, [self, weak, e] {
            if (e) {
                StepRecord rec;
                rec.client = self->ctx_.client;
                rec.path = "connect";
                rec.kind = StepKind::initialize;
                rec.is_call = true;
                rec.call.method = "connect";
                rec.call.error = "cannot connect: " + e.message;
                self->records_.push_back(std::move(rec));
                return self->finish_all();  // which gives the window's slot back
            }
            // Brought up once initialized: the initialize step releases (see initialize()).
            const auto& steps = self->ctx_.scenario->steps;
            if (steps.empty() || steps.front().kind != StepKind::initialize) self->release_slot();
            self->run_list(&self->ctx_.scenario->steps, 0, "steps", [weak] {
                if (auto s = weak.lock()) s->finish_all();
            });
        });
    });
}

void ClientScript::finish_all() {
    release_slot();
    client_->close([weak = weak_from_this()](const ClientError&) {
        auto self = weak.lock();
        if (!self) return;
        net::post(self->strand_, [self] {
            if (auto d = std::move(self->done_)) d();
        });
    });
}

std::string ClientScript::patient_of(const Step& step) const {
    static const std::vector<std::string> none;
    return resolve_patient(step.patient, ctx_.own_index, ctx_.ids ? *ctx_.ids : none,
                           ctx_.own_patient);
}

void ClientScript::run_list(const std::vector<Step>* steps, std::size_t i, std::string base,
                            Next next) {
    if (i >= steps->size()) return next();
    const std::string path = base + "[" + std::to_string(i) + "]";
    // A continuation may be kept by the client or in our own members: weak (see the header).
    run_step((*steps)[i], path, [weak = weak_from_this(), steps, i, base, next] {
        auto self = weak.lock();
        if (!self) return;
        net::post(self->strand_,
                  [self, steps, i, base, next] { self->run_list(steps, i + 1, base, next); });
    });
}

void ClientScript::run_step(const Step& step, const std::string& path, Next next) {
    if (step.kind == StepKind::parallel) return run_parallel(step, path, next);
    if (step.kind == StepKind::wait) return wait(step, next);
    StepRecord& rec = records_.emplace_back();
    static_cast<Step&>(rec) = step;
    rec.client = ctx_.client;
    rec.path = path;
    if (closed_ && step.kind != StepKind::cancel) {
        rec.is_call = true;
        rec.call.error = "connection already closed: " + close_error_.message;
        rec.call.failed_steady_us = Arrival::now().steady_us;  // when it was due (next_call)
        return next();
    }
    switch (step.kind) {
        case StepKind::initialize:
            return initialize(rec, next);
        case StepKind::list_tools:
            return call(rec, "tools/list", json::object(), {}, false, next);
        case StepKind::ping:
            return call(rec, "ping", json::object(), {}, false, next);
        case StepKind::search:
            return call(rec, "tools/call",
                        {{"name", "search_patients_by_disease"},
                         {"arguments", {{"disease_keyword", step.keyword}}}},
                        {}, false, next);
        case StepKind::get:
            rec.patient_id = patient_of(step);
            return call(
                rec, "tools/call",
                {{"name", "get_patient_summary"}, {"arguments", {{"patient_id", rec.patient_id}}}},
                {}, false, next);
        case StepKind::update:
            rec.patient_id = patient_of(step);
            return call(
                rec, "tools/call",
                {{"name", "update_patient_summary"},
                 {"arguments", {{"patient_id", rec.patient_id}, {"summary", step.summary}}}},
                {}, false, next);
        case StepKind::generate:
            return generate(step, rec, next);
        case StepKind::cancel:
            return cancel(step, rec, next);
        case StepKind::raw:
            client_->send_raw(step.frame);
            return expect_frame(rec, next);
        case StepKind::oversized:
            client_->send_raw("\"" + std::string(step.bytes, 'x') + "\"");
            // Only WebSocket closes for it (1009); over http (413) and stdio (a JSON-RPC
            // error) the server answers and the connection goes on.
            if (transport_ != Transport::ws) return expect_frame(rec, next);
            return expect_close(rec, next);
        default:
            return next();
    }
}

// Every sub-step at once on this connection; done when the last one is.
void ClientScript::run_parallel(const Step& step, const std::string& path, Next next) {
    auto left = std::make_shared<std::size_t>(step.steps.size());
    for (std::size_t k = 0; k < step.steps.size(); ++k) {
        run_step(step.steps[k], path + ".steps[" + std::to_string(k) + "]", [left, next] {
            if (--*left == 0) next();
        });
    }
}

void ClientScript::initialize(StepRecord& rec, Next next) {
    rec.is_call = true;
    rec.call.method = "initialize";
    // "": the version the client was connected with (ClientOptions::protocol_version).
    client_->initialize("", {{"name", "mcp-harness"}, {"version", common::kVersion}},
                        [weak = weak_from_this(), &rec, next](CallRecord c) {
                            auto self = weak.lock();
                            if (!self) return;
                            net::post(self->strand_, [self, &rec, next, c = std::move(c)] {
                                rec.call = std::move(c);
                                self->release_slot();  // a no-op unless it is the first step
                                next();
                            });
                        });
}

void ClientScript::call(StepRecord& rec, std::string method, json params, RequestOptions opts,
                        bool background, Next next) {
    rec.is_call = true;
    const std::weak_ptr<ClientScript> weak = weak_from_this();
    if (opts.timeout.count() < 0) opts.timeout = ctx_.call_timeout;
    StepRecord* r = &rec;
    const std::string label = rec.label;
    // Per token, so it touches only the run's counters, which outlive every client (their
    // owner stops the loop before it goes): no lock of the script unless a step waits on
    // this call's tokens.
    auto on_token = [weak, label, seen = ctx_.tokens_seen, live = ctx_.live](
                        const CallRecord&, const TokenArrival& token) {
        if (seen) seen->fetch_add(1, std::memory_order_relaxed);
        if (live) {
            live->tokens.fetch_add(1, std::memory_order_relaxed);
            // The arrival's own stamp (the same steady clock): no second clock read per token.
            live->last_heard_steady_us.store(token.steady_us, std::memory_order_relaxed);
        }
        if (label.empty()) return;
        auto self = weak.lock();
        if (!self) return;
        net::post(self->strand_, [self, label] {
            const auto n = ++self->tokens_seen_[label];
            (void)n;
            auto it = self->token_waiters_.find(label);
            if (it != self->token_waiters_.end()) {
                auto waiter = it->second;  // it may remove itself
                waiter();
            }
        });
    };
    auto on_done = [weak, r, background, next](CallRecord c) {
        auto self = weak.lock();
        if (!self) return;
        if (self->ctx_.calls_done) self->ctx_.calls_done->fetch_add(1, std::memory_order_relaxed);
        if (auto* live = self->ctx_.live) {
            live->calls_done.fetch_add(1, std::memory_order_relaxed);
            live->last_heard_steady_us.store(live_now_us(), std::memory_order_relaxed);
        }
        net::post(self->strand_, [self, r, background, next, c = std::move(c)]() mutable {
            r->call = std::move(c);
            if (!background) next();
        });
    };
    if (auto* live = ctx_.live) {
        live->calls_started.fetch_add(1, std::memory_order_relaxed);
        live->last_heard_steady_us.store(live_now_us(), std::memory_order_relaxed);
    }
    const std::string id =
        client_->request(std::move(method), std::move(params), on_token, on_done, opts);
    rec.call.id = id;
    if (background) next();
}

void ClientScript::generate(const Step& step, StepRecord& rec, Next next) {
    rec.patient_id = patient_of(step);
    if (ctx_.names) {
        if (auto it = ctx_.names->find(rec.patient_id); it != ctx_.names->end()) {
            rec.patient_name = it->second;
        }
    }
    rec.used_form = step.form.value_or(ctx_.scenario->form);
    rec.used_stream_upstream = step.stream_upstream.value_or(true);
    json args = {{"patient_id", rec.patient_id}};
    if (rec.save) args["save"] = true;
    if (!rec.used_stream_upstream) args["stream"] = false;
    RequestOptions opts;
    opts.progress = rec.used_form == StreamForm::progress;
    const bool background = !step.label.empty() && cancel_targets_.count(step.label) != 0;
    if (!step.label.empty()) labelled_[step.label] = &rec;
    call(rec, "tools/call", {{"name", "generate_summary"}, {"arguments", args}}, opts, background,
         next);
}

void ClientScript::cancel(const Step& step, StepRecord& rec, Next next) {
    auto it = labelled_.find(step.target);
    if (it == labelled_.end()) {
        rec.is_call = true;
        rec.call.error = "no call labelled '" + step.target + "' was started";
        return next();
    }
    StepRecord* target = it->second;
    // send_cancel is kept in token_waiters_ (ours): weak (see the header).
    const std::weak_ptr<ClientScript> weak = weak_from_this();
    const std::string label = step.target;
    const std::size_t wanted = step.after_tokens;
    auto fire = std::make_shared<bool>(false);
    auto send_cancel = [weak, target, &rec, label, fire, next] {
        auto self = weak.lock();
        if (!self || *fire) return;
        *fire = true;
        self->token_waiters_.erase(label);
        if (target->call.responded() || !target->call.error.empty()) {
            rec.call.error = "the call had already ended before it could be cancelled";
            return next();
        }
        self->client_->notify(
            "notifications/cancelled",
            {{"requestId", json::parse(target->call.id)}, {"reason", "cancelled by mcp-harness"}});
        target->cancelled = true;
        target->cancel_sent_wall_us = common::wall_micros();
        // Tokens already on the wire may still arrive; give them a moment, then go on.
        self->after(milliseconds(std::max<std::int64_t>(
                        100, static_cast<std::int64_t>(500 * self->ctx_.time_scale))),
                    next);
    };
    if (tokens_seen_[label] >= wanted) return send_cancel();
    // Our own map keeps this and only our strand calls it: `this` is alive whenever it runs.
    token_waiters_[label] = [this, label, wanted, send_cancel] {
        if (tokens_seen_[label] >= wanted) send_cancel();
    };
    // A call that ends before enough tokens came must not leave the script waiting.
    after(ctx_.call_timeout, [send_cancel] { send_cancel(); });
}

void ClientScript::expect_frame(StepRecord& rec, Next next) {
    rec.is_call = true;
    rec.call.method = "raw";
    rec.call.sent_wall_us = common::wall_micros();
    waiting_frame_ = &rec;
    frame_next_ = next;
    answer_within(strand_, shared_from_this(), waiting_frame_, frame_next_,
                  "no answer within " + std::to_string(kAnswerWait.count()) + " ms");
}

void ClientScript::on_frame(const Frame& f) {
    if (waiting_frame_ == nullptr) return;
    if (f.kind != FrameKind::response && f.kind != FrameKind::invalid) return;
    StepRecord* r = waiting_frame_;
    waiting_frame_ = nullptr;
    r->call.response = f.message;
    if (f.kind == FrameKind::invalid) r->call.error = f.error;  // e.g. "send: HTTP 413 ..."
    r->call.response_wall_us = common::wall_micros();
    r->call.response_steady_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
    if (auto n = std::move(frame_next_)) n();
}

void ClientScript::expect_close(StepRecord& rec, Next next) {
    rec.is_call = true;
    rec.call.method = "oversized";
    rec.call.sent_wall_us = common::wall_micros();
    if (closed_) {
        rec.close_code = close_error_.close_code;
        rec.close_reason = close_error_.close_reason;
        rec.closed_wall_us = closed_wall_us_;
        return next();
    }
    waiting_close_ = &rec;
    close_next_ = next;
    answer_within(
        strand_, shared_from_this(), waiting_close_, close_next_,
        "the connection was not closed within " + std::to_string(kAnswerWait.count()) + " ms");
}

void ClientScript::on_closed(const ClientError& error) {
    release_slot();  // closed before it was brought up: no initialize will release it
    closed_ = true;
    close_error_ = error;
    closed_wall_us_ = common::wall_micros();
    // Every record learns how the connection ended (timeout.long_generation looks at it).
    const std::optional<int>& code = error.close_code;
    const std::string& reason = error.close_reason;
    if (waiting_close_ != nullptr) {
        StepRecord* r = waiting_close_;
        waiting_close_ = nullptr;
        r->close_code = code;
        r->close_reason = reason;
        r->closed_wall_us = closed_wall_us_;
        if (auto n = std::move(close_next_)) n();
    } else if (code) {
        for (auto& r : records_) {
            if (!r.close_code) {
                r.close_code = code;
                r.close_reason = reason;
                r.closed_wall_us = closed_wall_us_;
            }
        }
    }
}

// A wait step, shown as a countdown by the progress display while it lasts.
void ClientScript::wait(const Step& step, Next next) {
    const milliseconds d(static_cast<std::int64_t>(step.ms * ctx_.time_scale));
    if (ctx_.live == nullptr) return after(d, next);
    const std::int64_t until = live_now_us() + d.count() * 1000;
    ctx_.live->wait_until_steady_us.store(until, std::memory_order_relaxed);
    after(d, [live = ctx_.live, until, next] {
        std::int64_t mine = until;  // another client's later wait stays shown
        live->wait_until_steady_us.compare_exchange_strong(mine, 0, std::memory_order_relaxed);
        next();
    });
}

void ClientScript::after(milliseconds d, Next next) {
    auto timer = std::make_shared<net::steady_timer>(strand_, d);
    timer->async_wait([timer, next](boost::system::error_code) { next(); });
}

}  // namespace harness
