#include "core/ollama_client.hpp"

#include <curl/curl.h>

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/json_scan.hpp"
#include "common/ndjson.hpp"
#include "ollama/curl_multi.hpp"

namespace core {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// Named, never parsed: a switch, so -Wswitch flags a value added without its name
// (docs/architecture.md, "Conventions").
std::string_view to_string(OllamaError e) {
    switch (e) {
        case OllamaError::none:
            return "none";
        case OllamaError::unreachable:
            return "unreachable";
        case OllamaError::http_status:
            return "http_status";
        case OllamaError::error_line:
            return "error_line";
        case OllamaError::malformed:
            return "malformed";
        case OllamaError::disconnected:
            return "disconnected";
        case OllamaError::timeout:
            return "timeout";
        case OllamaError::deadline:
            return "deadline";
        case OllamaError::cancelled:
            return "cancelled";
    }
    return "?";
}

namespace {
constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMaxWholeBody = 32 << 20;

std::string seconds_text(std::chrono::milliseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(d.count()) / 1000.0);
    return buf;
}

std::string clip(std::string_view s, std::size_t n = 80) {
    return s.size() <= n ? std::string(s) : std::string(s.substr(0, n)) + "...";
}
}  // namespace

namespace {
// What a token handed on costs its consumer until it is dealt with: its bytes, and the work
// queued for it (a handler, a frame), which for the typical 4-byte token is most of it.
constexpr std::size_t flow_cost(std::size_t token_bytes) {
    return token_bytes + 256;
}

// What one NDJSON line of /api/generate says.
struct UpstreamLine {
    std::optional<std::string> error;  // the "error" member, as text
    std::string response;              // the token ("" when absent or not a string)
    bool done = false;
    std::string done_reason = "stop";
};
}  // namespace

// One upstream request. Lives on the client's strand.
class OllamaCall {
  public:
    OllamaCall(net::any_io_executor strand, std::size_t max_line)
        : timer(std::move(strand)), splitter(max_line) {}
    ~OllamaCall() {
        if (easy) curl_easy_cleanup(easy);
        if (headers) curl_slist_free_all(headers);
    }

    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;  // request JSON; curl reads it in place
    bool stream = true;
    OllamaClient::OnToken on_token;
    OllamaClient::OnDone on_done;
    net::steady_timer timer;
    Clock::time_point last_activity = Clock::now();
    common::LineSplitter splitter;
    std::string whole;  // non-streaming body, or an HTTP error body
    long status = 0;
    bool done = false;      // the final chunk arrived
    bool finished = false;  // on_done was called
    OllamaResult result;
    // Set by cancel() from any thread, read by the write callback: a cancelled call stops
    // reading at once, not when the strand gets to the cancellation (a fast upstream would
    // otherwise pour thousands more tokens into a session that has gone).
    std::atomic<bool> cancel_requested{false};
    // Flow control (OllamaRequest::max_unconsumed): token bytes handed on and not yet
    // consumed; `paused` is set on the strand when the transfer pauses, and cleared by
    // whoever brings `unconsumed` back under the low mark, who then resumes it.
    std::size_t max_unconsumed = 0;
    std::atomic<std::size_t> unconsumed{0};
    std::atomic<bool> paused{false};
    UpstreamLine line;                        // the line being read, reused
    std::vector<common::FlatMember> members;  // its members, reused
};

namespace {

// The hot path: a token line is a flat object, read without a DOM. Declines (false) anything
// else, including any line with an "error" member, for the full parser below.
bool read_flat(std::string_view line, std::vector<common::FlatMember>& members, UpstreamLine& out) {
    if (!common::scan_flat_object(line, members)) return false;
    for (const auto& m : members) {
        if (m.key == "error") return false;
        const bool is_string = m.kind == common::FlatMember::Kind::string;
        if (m.key == "response") {
            out.response.clear();
            if (is_string && !common::json_unescape(m.raw, out.response)) return false;
        } else if (m.key == "done") {
            out.done = m.kind == common::FlatMember::Kind::boolean && m.boolean;
        } else if (m.key == "done_reason") {
            out.done_reason.clear();
            if (!is_string || !common::json_unescape(m.raw, out.done_reason)) return false;
        }
    }
    return true;
}

// Any other line; false when it is not a JSON object at all.
bool read_dom(std::string_view line, UpstreamLine& out) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    if (auto e = j.find("error"); e != j.end()) {
        out.error = e->is_string() ? e->get<std::string>() : e->dump();
    }
    if (auto r = j.find("response"); r != j.end() && r->is_string()) {
        out.response = r->get<std::string>();
    }
    if (auto d = j.find("done"); d != j.end()) out.done = d->is_boolean() && d->get<bool>();
    if (auto d = j.find("done_reason"); d != j.end()) {
        out.done_reason = d->is_string() ? d->get<std::string>() : d->dump();
    }
    return true;
}

// Parses streamed NDJSON; false (with call.result set) stops the transfer.
bool feed(OllamaCall& call, std::string_view bytes) {
    const auto status = call.splitter.feed(bytes, [&call](std::string_view line) {
        if (call.cancel_requested.load(std::memory_order_relaxed)) {
            call.result.error = OllamaError::cancelled;
            call.result.message = "cancelled";
            return false;
        }
        UpstreamLine& l = call.line;
        l.error.reset();
        l.response.clear();
        l.done = false;
        l.done_reason = "stop";
        if (!read_flat(line, call.members, l)) {
            l = UpstreamLine{};
            if (!read_dom(line, l)) {
                call.result.error = OllamaError::malformed;
                call.result.message = "Ollama sent a malformed line after " +
                                      std::to_string(call.result.tokens) + " tokens: " + clip(line);
                return false;
            }
        }
        if (l.error) {
            call.result.error = OllamaError::error_line;
            call.result.message = "Ollama reported an error after " +
                                  std::to_string(call.result.tokens) + " tokens: " + *l.error;
            return false;
        }
        if (!l.response.empty()) {
            ++call.result.tokens;
            call.result.text += l.response;
            if (call.max_unconsumed > 0) call.unconsumed.fetch_add(flow_cost(l.response.size()));
            if (call.on_token) call.on_token(l.response);
        }
        if (l.done) {
            call.done = true;
            call.result.done_reason = l.done_reason;
        }
        return true;
    });
    if (status == common::LineSplitter::Status::line_too_long) {
        call.result.error = OllamaError::malformed;
        call.result.message = "Ollama sent a line longer than the limit";
        return false;
    }
    return call.result.error == OllamaError::none;
}

std::size_t on_write(char* data, std::size_t size, std::size_t n, void* p) {
    auto& call = *static_cast<OllamaCall*>(p);
    const std::size_t bytes = size * n;
    call.last_activity = Clock::now();
    if (call.status == 0) curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &call.status);
    if (call.status >= 400) {
        if (call.whole.size() < kMaxErrorBody) call.whole.append(data, bytes);
        return bytes;
    }
    if (!call.stream) {
        if (call.whole.size() + bytes > kMaxWholeBody) {
            call.result.error = OllamaError::malformed;
            call.result.message =
                "Ollama's response is larger than " + std::to_string(kMaxWholeBody >> 20) + " MiB";
            return 0;
        }
        call.whole.append(data, bytes);
        return bytes;
    }
    if (call.result.error != OllamaError::none) return 0;
    if (call.max_unconsumed > 0 && call.unconsumed.load() > call.max_unconsumed) {
        // The consumer is behind: curl keeps these bytes and gives them again on resume.
        // The flag goes up before the second look, so a consumer that gets under the low
        // mark after that look sees it and resumes us; one that got there before, we see.
        call.paused.store(true);
        if (call.unconsumed.load() > call.max_unconsumed / 2) return CURL_WRITEFUNC_PAUSE;
        if (!call.paused.exchange(false)) return CURL_WRITEFUNC_PAUSE;  // a resume is on its way
    }
    return feed(call, {data, bytes}) ? bytes : 0;  // 0 aborts the transfer
}

// The "error" text of an Ollama error body, or the body itself.
std::string error_text(std::string_view body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
        return j["error"].get<std::string>();
    }
    return body.empty() ? std::string("(empty body)") : clip(body, 200);
}

}  // namespace

class OllamaClient::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(net::any_io_executor strand, const OllamaConfig& config)
        : strand_(strand), config_(config), multi_(strand) {}

    void start(const std::shared_ptr<OllamaCall>& call, const OllamaRequest& req);
    void cancel(const std::shared_ptr<OllamaCall>& call);
    std::size_t active() const { return active_.load(); }

  private:
    void arm_inactivity(const std::shared_ptr<OllamaCall>& call);
    void completed(const std::shared_ptr<OllamaCall>& call, CURLcode code);
    void abandon(const std::shared_ptr<OllamaCall>& call, OllamaError error, std::string message);
    void finish(const std::shared_ptr<OllamaCall>& call);

    net::any_io_executor strand_;
    OllamaConfig config_;
    CurlMulti multi_;
    std::atomic<std::size_t> active_{0};
};

void OllamaClient::Impl::start(const std::shared_ptr<OllamaCall>& call, const OllamaRequest& req) {
    call->stream = req.stream;
    call->max_unconsumed = req.max_unconsumed;
    call->body = nlohmann::json{{"model", req.model.empty() ? config_.model : req.model},
                                {"prompt", req.prompt},
                                {"stream", req.stream},
                                {"options", req.options}}
                     .dump();
    active_.fetch_add(1);
    CURL* e = curl_easy_init();
    if (e == nullptr) return abandon(call, OllamaError::unreachable, "cannot create a curl handle");
    call->easy = e;
    const std::string url = config_.base_url + "/api/generate";
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(call->body.size()));
    // No "Expect: 100-continue": it would cost a round trip (or a 1 s wait) per request.
    call->headers = curl_slist_append(nullptr, "Content-Type: application/json");
    call->headers = curl_slist_append(call->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, call.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(config_.connect_timeout.count()));
    if (config_.total_deadline.count() > 0) {
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.total_deadline.count()));
    }
    multi_.prepare(e);
    call->last_activity = Clock::now();
    arm_inactivity(call);
    multi_.add(e,
               [self = shared_from_this(), call](CURLcode code) { self->completed(call, code); });
}

// One timer per call, re-armed only when it fires: cheaper than resetting it on every read.
void OllamaClient::Impl::arm_inactivity(const std::shared_ptr<OllamaCall>& call) {
    call->timer.expires_at(call->last_activity + config_.inactivity_timeout);
    call->timer.async_wait([self = shared_from_this(), call](boost::system::error_code ec) {
        if (ec || call->finished) return;
        // A transfer we paused (flow control) is waiting for our consumer, not for Ollama.
        if (call->paused.load()) call->last_activity = Clock::now();
        if (Clock::now() - call->last_activity < self->config_.inactivity_timeout) {
            return self->arm_inactivity(call);
        }
        self->abandon(call, OllamaError::timeout,
                      "Ollama sent nothing for " + seconds_text(self->config_.inactivity_timeout) +
                          " after " + std::to_string(call->result.tokens) +
                          " tokens; request abandoned");
    });
}

void OllamaClient::Impl::abandon(const std::shared_ptr<OllamaCall>& call, OllamaError error,
                                 std::string message) {
    if (call->finished) return;
    if (call->easy) multi_.remove(call->easy);
    call->result.error = error;
    call->result.message = std::move(message);
    finish(call);
}

void OllamaClient::Impl::cancel(const std::shared_ptr<OllamaCall>& call) {
    abandon(call, OllamaError::cancelled, "cancelled");
}

void OllamaClient::Impl::completed(const std::shared_ptr<OllamaCall>& call, CURLcode code) {
    if (call->finished) return;
    OllamaResult& r = call->result;
    r.http_status = static_cast<int>(call->status);
    const std::string where = " at " + config_.base_url;
    if (r.error != OllamaError::none) {
        // Set by the write callback (error line, malformed line, oversized body).
    } else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
        r.error = OllamaError::unreachable;
        r.message = "Ollama is unreachable" + where + ": " + curl_easy_strerror(code);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
        long connect_code = 0;
        curl_easy_getinfo(call->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
        double connected = 0;
        curl_easy_getinfo(call->easy, CURLINFO_CONNECT_TIME, &connected);
        if (connected <= 0) {
            r.error = OllamaError::unreachable;
            r.message = "Ollama is unreachable" + where + ": no connection within " +
                        seconds_text(config_.connect_timeout);
        } else {
            r.error = OllamaError::deadline;
            r.message = "Ollama did not finish within " + seconds_text(config_.total_deadline) +
                        " (" + std::to_string(r.tokens) + " tokens received)";
        }
    } else if (code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL) {
        r.error = OllamaError::malformed;
        r.message = "Ollama" + where + " sent a reply that is not HTTP";
    } else if (code != CURLE_OK && code != CURLE_PARTIAL_FILE && code != CURLE_GOT_NOTHING) {
        r.error = OllamaError::disconnected;
        r.message = "Ollama's connection failed after " + std::to_string(r.tokens) +
                    " tokens: " + curl_easy_strerror(code);
    } else if (call->status >= 400) {
        r.error = OllamaError::http_status;
        r.message =
            "Ollama returned HTTP " + std::to_string(call->status) + ": " + error_text(call->whole);
    } else if (code != CURLE_OK && !call->stream) {  // a clean close before the end
        r.error = OllamaError::disconnected;
        r.message = "Ollama closed the connection before its response was complete";
    } else if (!call->stream) {
        const auto j = nlohmann::json::parse(call->whole, nullptr, false);
        if (call->whole.empty()) {
            r.error = OllamaError::disconnected;
            r.message = "Ollama sent an empty response";
        } else if (j.is_discarded() || !j.is_object()) {
            r.error = OllamaError::malformed;
            r.message = "Ollama sent a response that is not JSON: " + clip(call->whole);
        } else if (j.contains("error")) {
            r.error = OllamaError::error_line;
            r.message = "Ollama reported an error: " + error_text(call->whole);
        } else {
            r.text = j.value("response", "");
            r.done_reason = j.value("done_reason", "stop");
            r.tokens = static_cast<std::size_t>(j.value("eval_count", 0));
            if (!j.value("done", false)) {
                r.error = OllamaError::malformed;
                r.message = "Ollama's response is not marked done";
            }
        }
    } else if (!call->done || code != CURLE_OK) {  // a clean close before the end
        r.error = OllamaError::disconnected;
        r.message = r.tokens == 0 && call->splitter.pending().empty()
                        ? "Ollama sent an empty response (the stream ended before any token)"
                    : call->splitter.pending().empty()
                        ? "Ollama closed the stream before it was done (after " +
                              std::to_string(r.tokens) + " tokens)"
                        : "Ollama's stream ended in the middle of a line (after " +
                              std::to_string(r.tokens) + " tokens)";
    }
    finish(call);
}

void OllamaClient::Impl::finish(const std::shared_ptr<OllamaCall>& call) {
    call->finished = true;
    call->timer.cancel();
    active_.fetch_sub(1);
    if (call->result.error != OllamaError::none) call->result.text.clear();  // never partial
    auto done = std::move(call->on_done);
    call->on_token = nullptr;
    if (done) done(std::move(call->result));
}

OllamaClient::OllamaClient(net::any_io_executor strand, OllamaConfig config)
    : strand_(std::move(strand)), config_(std::move(config)) {
    static std::once_flag curl_init;  // process-wide by libcurl's design
    std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    impl_ = std::make_shared<Impl>(strand_, config_);
}

OllamaClient::~OllamaClient() = default;

std::shared_ptr<OllamaCall> OllamaClient::generate(OllamaRequest request, OnToken on_token,
                                                   OnDone on_done) {
    // The call's timer lives on the client's strand, like everything else of the client.
    auto call = std::make_shared<OllamaCall>(strand_, config_.max_line);
    call->on_token = std::move(on_token);
    call->on_done = std::move(on_done);
    net::post(strand_,
              [impl = impl_, call, request = std::move(request)] { impl->start(call, request); });
    return call;
}

void OllamaClient::consumed(const std::shared_ptr<OllamaCall>& call, std::size_t bytes) {
    if (!call || call->max_unconsumed == 0) return;
    const std::size_t cost = flow_cost(bytes);
    const std::size_t left = call->unconsumed.fetch_sub(cost) - cost;
    if (left > call->max_unconsumed / 2 || !call->paused.exchange(false)) return;
    net::post(strand_, [call] {
        // Resuming may deliver the held bytes at once, through the write callback.
        if (!call->finished && call->easy != nullptr) curl_easy_pause(call->easy, CURLPAUSE_CONT);
    });
}

void OllamaClient::cancel(const std::shared_ptr<OllamaCall>& call) {
    if (!call) return;
    call->cancel_requested.store(true, std::memory_order_relaxed);
    net::post(strand_, [impl = impl_, call] { impl->cancel(call); });
}

std::size_t OllamaClient::active() const {
    return impl_->active();
}

}  // namespace core
