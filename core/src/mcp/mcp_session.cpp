#include "mcp/mcp_session.hpp"

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>

#include "common/json_text.hpp"
#include "common/mcp_protocol.hpp"
#include "common/utf8.hpp"
#include "common/version.hpp"
#include "core/csv_formulas.hpp"
#include "core/tools.hpp"

namespace core {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::string_view kServerName = "patient-summaries-server";
constexpr std::string_view kServerVersion = common::kVersion;
// Token bytes read from Ollama but not yet relayed, per call, before upstream reading waits.
constexpr std::size_t kMaxUnrelayedBytes = 256 * 1024;
namespace mcp = common::mcp;

nlohmann::json server_info() {
    return {{"name", kServerName}, {"version", kServerVersion}};
}

constexpr std::string_view kInstructions =
    "Patient records: search by disease, read, generate (streamed) and update clinical "
    "summaries.";

// How long a client may keep tools/list and server/discover (stateless revision): the tools
// never change while the server runs, so an hour is safe.
constexpr int kListTtlMs = 3'600'000;

// Why a stateless request's `_meta` cannot be served, or nothing when it can.
std::optional<RpcError> stateless_meta_error(const json& params) {
    const json& meta = params["_meta"];
    const auto version = meta.find(mcp::kMetaProtocolVersion);
    if (!version->is_string()) {
        return RpcError{RpcCode::invalid_params,
                        "'_meta." + std::string(mcp::kMetaProtocolVersion) +
                            "' must be a string, got " + describe_type(*version)};
    }
    if (version->get<std::string>() != mcp::kStatelessVersion) {
        json supported = json::array();
        for (auto v : mcp::kAllVersions) supported.push_back(v);
        return RpcError{static_cast<RpcCode>(mcp::kUnsupportedProtocolVersion),
                        "Unsupported protocol version",
                        {{"supported", supported}, {"requested", *version}}};
    }
    const auto caps = meta.find(mcp::kMetaClientCapabilities);
    if (caps == meta.end() || !caps->is_object()) {
        return RpcError{RpcCode::invalid_params,
                        "'_meta." + std::string(mcp::kMetaClientCapabilities) +
                            "' (object) is required on every request of protocol version " +
                            std::string(mcp::kStatelessVersion)};
    }
    return std::nullopt;
}

// `object[key]` when it is a string, else `fallback` (absent, null, a number, ...).
std::string string_or(const json& object, const char* key, std::string fallback) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

// tools/call's `_meta.progressToken` as JSON text into `token` (empty when absent); an error
// when it is neither a string nor an integer.
std::optional<RpcError> read_progress_token(const json& params, std::string& token) {
    const auto meta = params.find("_meta");
    if (meta == params.end() || !meta->is_object()) return std::nullopt;
    const auto it = meta->find("progressToken");
    if (it == meta->end()) return std::nullopt;
    if (!it->is_string() && !it->is_number_integer()) {
        return RpcError{
            RpcCode::invalid_params,
            "'_meta.progressToken' must be a string or an integer, got " + describe_type(*it)};
    }
    token = it->dump();
    return std::nullopt;
}

// update_patient_summary's text, made ready to store under the formula policy; an error when
// it cannot be stored.
std::optional<RpcError> check_new_summary(FormulaPolicy policy, std::string& summary) {
    // Built on the error paths only: this runs for every update.
    const auto arg = [] {
        return "Argument 'summary' of tool '" + std::string(tool_update_summary) + "'";
    };
    if (trim_summary(summary).empty()) {
        // The store keeps "no summary" as an empty field: a blank one would be acknowledged
        // as saved and then read back as never generated.
        return RpcError{RpcCode::invalid_params,
                        arg() + " must contain text; it is empty or white space only"};
    }
    if (auto why = apply_formula_policy(policy, summary)) {
        return RpcError{RpcCode::invalid_params, arg() + ": " + *why};
    }
    return std::nullopt;
}

// A tools/call refused before it exists; on_null_id: sent with a null id (see below).
struct Refusal {
    RpcError error;
    bool on_null_id = false;
};

std::optional<Refusal> admission_refusal(const std::string& key, bool id_in_use,
                                         std::size_t in_flight, std::size_t limit) {
    if (id_in_use) {
        // Answered with a null id: an error carrying this id would be taken by the client as
        // the answer to the call in flight that owns it (JSON-RPC: null when the request's id
        // cannot be used).
        return Refusal{{RpcCode::invalid_request,
                        "Invalid Request: id " + key +
                            " is already in use by a call in flight on this connection; "
                            "request ids must be unique"},
                       true};
    }
    if (in_flight >= limit) {
        return Refusal{
            {RpcCode::server_busy,
             "Too many calls in flight on this connection: " + std::to_string(in_flight) +
                 " (limit " + std::to_string(limit) + "); wait for one to finish"}};
    }
    return std::nullopt;
}

}  // namespace

struct McpSession::Call {
    Id id;
    std::string key;  // id as JSON text: the map key and the legacy frame's "id"
    std::string tool;
    const Patient* patient = nullptr;
    bool save = false;
    bool stream_upstream = true;
    std::string progress_token;  // JSON text; empty: legacy stream_token frames
    bool stateless = false;      // 2026-07-28: the result carries resultType and serverInfo
    std::shared_ptr<OllamaCall> upstream;
    bool cancelled = false;
    bool over_budget = false;  // stopped for streaming more than the per-call budget
    std::size_t tokens = 0;
    std::size_t code_points = 0;
    std::size_t bytes = 0;
};

McpSession::McpSession(ServerState& state, net::any_io_executor strand, Send send, std::string peer)
    : state_(state), strand_(std::move(strand)), send_(std::move(send)), peer_(std::move(peer)) {}

void McpSession::on_message(std::string_view frame) {
    if (closed_) return;
    on_incoming(parse_message(frame));
}

void McpSession::on_incoming(const Incoming& in) {
    if (closed_) return;
    state_.stats.requests.fetch_add(1, std::memory_order_relaxed);
    // Counted from here until the handler returns, by which time a generation or save it
    // started is counted on its own: graceful shutdown, on another thread, then cannot see
    // zero of everything while a call read before the signal is still on its way to Ollama.
    state_.stats.messages_in_handling.fetch_add(1);
    struct Handled {
        std::atomic<std::int64_t>& n;
        ~Handled() { n.fetch_sub(1); }
    } handled{state_.stats.messages_in_handling};
    // A message must never take the server down: whatever a handler throws on input it did
    // not foresee becomes an internal error for this request, and the connection goes on.
    try {
        if (const auto* r = std::get_if<Request>(&in)) return on_request(*r);
        if (const auto* n = std::get_if<Notification>(&in)) return on_notification(*n);
    } catch (const std::exception& e) {
        state_.stats.internal_errors.fetch_add(1, std::memory_order_relaxed);
        const auto* r = std::get_if<Request>(&in);
        state_.log.error(peer_ + ": internal error handling " +
                         (r ? "'" + r->method + "' (id " + r->id.dump() + ")" : "a notification") +
                         ": " + e.what());
        if (r)
            reply_error(r->id,
                        {RpcCode::internal_error, "Internal error: " + std::string(e.what())});
        return;
    }
    if (const auto* bad = std::get_if<Invalid>(&in)) {
        state_.log.info(peer_ + ": " + bad->error.message);
        return reply_error(bad->id, bad->error);
    }
    // A client's response (for instance to a server ping): nothing to do.
}

void McpSession::reply_error(const Id& id, RpcError error) {
    const std::string key = id.dump();
    send_(error_message(id, error), Route{key, true, static_cast<int>(error.code)});
}

void McpSession::respond(const Id& id, json result, bool stateless) {
    if (stateless) {
        result["resultType"] = "complete";
        result["_meta"][mcp::kMetaServerInfo] = server_info();
    }
    const std::string key = id.dump();
    send_(result_message(id, result), Route{key, true, 0});
}

void McpSession::on_request(const Request& r) {
    // A request that carries the stateless revision's `_meta` is served by that revision,
    // whatever came before on this connection (a dual-era server, as the revision allows).
    if (const auto meta = r.params.find("_meta");
        meta != r.params.end() && meta->is_object() && meta->contains(mcp::kMetaProtocolVersion)) {
        return stateless_request(r);
    }
    if (r.method == "initialize") return initialize(r);
    if (r.method == "ping") return respond(r.id, json::object(), false);
    if (r.method == "tools/list") return respond(r.id, tools_list(), false);
    if (r.method == "tools/call") return tools_call(r, false);
    reply_error(r.id, {RpcCode::method_not_found, "Method not found: " + r.method});
}

void McpSession::stateless_request(const Request& r) {
    if (auto err = stateless_meta_error(r.params)) return reply_error(r.id, std::move(*err));
    if (r.method == "server/discover") {
        json supported = json::array();
        for (auto v : mcp::kAllVersions) supported.push_back(v);
        return respond(r.id,
                       {{"supportedVersions", supported},
                        {"capabilities", {{"tools", json::object()}}},
                        {"instructions", kInstructions},
                        {"ttlMs", kListTtlMs},
                        {"cacheScope", "public"}},
                       true);
    }
    if (r.method == "tools/list") {
        json list = tools_list();
        list["ttlMs"] = kListTtlMs;
        list["cacheScope"] = "public";
        return respond(r.id, std::move(list), true);
    }
    if (r.method == "tools/call") return tools_call(r, true);
    // initialize, ping and logging/setLevel are not part of this revision.
    reply_error(
        r.id, {RpcCode::method_not_found, "Method not found: " + r.method + " (protocol version " +
                                              std::string(mcp::kStatelessVersion) + ")"});
}

void McpSession::initialize(const Request& r) {
    const json& p = r.params;
    if (!p.is_object() || !p.contains("protocolVersion") || !p["protocolVersion"].is_string()) {
        return reply_error(
            r.id, {RpcCode::invalid_params, "initialize: 'protocolVersion' (string) is required"});
    }
    const auto asked = p["protocolVersion"].get<std::string>();
    std::string_view chosen = mcp::kSessionVersions[0];
    for (auto v : mcp::kSessionVersions) {
        if (v == asked) chosen = v;
    }
    initialized_ = true;
    // clientInfo is only logged: a client that sends it malformed is not refused for that.
    std::string client = "unknown client";
    if (const auto info = p.find("clientInfo"); info != p.end() && info->is_object()) {
        client = string_or(*info, "name", client) + " " + string_or(*info, "version", "");
    }
    state_.log.info(peer_ + ": initialize from " + client + ", protocol " + std::string(chosen));
    respond(r.id,
            {{"protocolVersion", chosen},
             {"capabilities", {{"tools", {{"listChanged", false}}}}},
             {"serverInfo", server_info()},
             {"instructions", kInstructions}},
            false);
}

void McpSession::on_notification(const Notification& n) {
    if (n.method == "notifications/cancelled") {
        if (!n.params.is_object() || !n.params.contains("requestId")) return;
        cancel(n.params["requestId"].dump(),
               n.params.contains("reason") ? n.params["reason"].dump() : "");
    }
    // notifications/initialized and unknown notifications: accepted, never answered.
}

void McpSession::cancel(const std::string& key, std::string_view why) {
    auto it = calls_.find(key);
    if (it == calls_.end()) return;  // finished already, or never existed: ignore
    auto call = it->second;
    call->cancelled = true;
    calls_.erase(it);
    state_.stats.calls_in_flight.fetch_sub(1, std::memory_order_relaxed);
    state_.stats.cancelled.fetch_add(1, std::memory_order_relaxed);
    state_.log.info(peer_ + ": call " + call->key + " (" + call->tool + ") cancelled" +
                    (why.empty() ? std::string() : ": " + std::string(why)));
    if (call->upstream) state_.ollama.cancel(call->upstream);
    if (on_cancelled_) on_cancelled_(key);
}

void McpSession::tools_call(const Request& r, bool stateless) {
    const json& p = r.params;
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) {
        return reply_error(r.id,
                           {RpcCode::invalid_params, "tools/call: 'name' (string) is required"});
    }
    const auto name = p["name"].get<std::string>();
    const json args =
        p.contains("arguments") && !p["arguments"].is_null() ? p["arguments"] : json::object();
    if (auto err = validate_arguments(name, args)) {
        // 2025-11-25 onwards asks for bad arguments to be a tool execution error (isError), so
        // that a model can correct itself; the stateless revision gets that. Sessions keep the
        // protocol error that the original tutorial's clients know. An unknown tool stays one.
        if (stateless && is_known_tool(name)) {
            return respond(r.id, text_result(err->message, true), true);
        }
        return reply_error(r.id, *err);
    }
    state_.stats.tool_calls.fetch_add(1, std::memory_order_relaxed);
    const std::string key = r.id.dump();
    const std::size_t limit = state_.config.max_calls_per_connection;
    if (auto refused = admission_refusal(key, calls_.count(key) != 0, calls_.size(), limit)) {
        if (refused->on_null_id) return reply_error(nullptr, std::move(refused->error));
        state_.stats.calls_refused.fetch_add(1, std::memory_order_relaxed);
        return reply_error(r.id, std::move(refused->error));
    }
    state_.log.info(peer_ + ": tools/call " + name + " " + args.dump() + " (id " + key + ")");

    if (name == tool_search_patients) {
        return respond(r.id,
                       text_result(search_patients(state_.patients,
                                                   args["disease_keyword"].get<std::string>())),
                       stateless);
    }
    const auto id = args["patient_id"].get<std::string>();
    const Patient* patient = state_.patients.find(id);
    if (patient == nullptr) {
        return respond(r.id, text_result(patient_not_found_text(id), true), stateless);
    }
    if (name == tool_get_summary) {
        // Read as the file is now: another mcp-server process on this data folder (one per
        // stdio client) may have saved since; the store's writer thread checks, off this one.
        auto self = shared_from_this();
        state_.store.fetch(
            id, [self, rid = r.id, patient, stateless](std::optional<std::string> s) {
                net::post(self->strand_, [self, rid, patient, stateless, s = std::move(s)] {
                    if (self->closed_) return;
                    self->respond(rid, text_result(patient_summary_text(*patient, s.value_or(""))),
                                  stateless);
                });
            });
        return;
    }

    // Refused before the call exists: nothing to cancel or erase afterwards.
    std::string progress_token;
    if (auto err = read_progress_token(p, progress_token)) return reply_error(r.id, *err);
    std::string summary;  // update_patient_summary: what will be stored
    if (name == tool_update_summary) {
        summary = args["summary"].get<std::string>();
        if (auto err = check_new_summary(state_.config.csv_formulas, summary)) {
            return reply_error(r.id, *err);
        }
    }

    auto call = std::make_shared<Call>();
    call->id = r.id;
    call->key = key;
    call->tool = name;
    call->patient = patient;
    call->stateless = stateless;
    calls_[key] = call;
    state_.stats.calls_in_flight.fetch_add(1, std::memory_order_relaxed);
    if (name == tool_update_summary) {
        const std::string text = updated_summary_text(*patient, summary);
        return save(call, std::move(summary), [this, call, text](SaveResult saved) {
            if (saved.ok()) return reply(call, text_result(text));
            reply(call, text_result("Summary not saved: " + saved.message, true));
        });
    }
    // generate_summary. Validated above: each is a boolean, or absent, or null (= absent).
    const auto flag = [&args](const char* arg, bool fallback) {
        const auto it = args.find(arg);
        return it == args.end() || it->is_null() ? fallback : it->get<bool>();
    };
    call->save = flag("save", false);
    call->stream_upstream = flag("stream", state_.config.stream_upstream);
    call->progress_token = std::move(progress_token);
    generate(call);
}

void McpSession::generate(const std::shared_ptr<Call>& call) {
    ++generating_;
    state_.stats.generations_active.fetch_add(1, std::memory_order_relaxed);
    OllamaRequest req;
    req.prompt = summary_prompt(*call->patient);
    req.stream = call->stream_upstream;
    // Upstream reading waits while this session is behind by more than this: a fast Ollama
    // must not pile tokens up in memory between the client's strand and ours.
    req.max_unconsumed = kMaxUnrelayedBytes;
    auto self = shared_from_this();
    // Callbacks arrive on the Ollama client's strand; the work moves to this session's.
    // `defer`, not `post`: the relay is a continuation of the read that brought the token, so
    // it queues on this thread rather than waking another one for it (a cross-thread wakeup
    // per token cost more than the relay itself).
    call->upstream = state_.ollama.generate(
        std::move(req),
        [self, call](std::string_view token) {
            net::defer(self->strand_,
                       [self, call, t = std::string(token),
                        read = std::chrono::steady_clock::now()] { self->relay(call, t, read); });
        },
        [self, call](OllamaResult result) {
            net::defer(self->strand_, [self, call, result = std::move(result)]() mutable {
                self->generated(call, std::move(result));
            });
        });
}

void McpSession::relay(const std::shared_ptr<Call>& call, std::string_view token,
                       std::chrono::steady_clock::time_point read) {
    state_.ollama.consumed(call->upstream, token.size());
    if (closed_ || call->cancelled || call->over_budget) return;
    if (call->tokens + 1 > state_.config.max_tokens_per_call ||
        call->bytes + token.size() > state_.config.max_summary_bytes) {
        // An upstream that never stops (or sends huge tokens) must not hold the call, the
        // connection and our memory forever: stop it; generated() answers the client.
        call->over_budget = true;
        state_.stats.budgets_exceeded.fetch_add(1, std::memory_order_relaxed);
        state_.ollama.cancel(call->upstream);
        return;
    }
    ++call->tokens;
    call->bytes += token.size();
    call->code_points += common::utf8::code_points(token);
    // No token messages for this call on this transport: budgets still count it, the relay
    // counter does not (nothing was relayed).
    if (call->progress_token.empty() && !legacy_frames_) return;
    state_.stats.tokens_relayed.fetch_add(1, std::memory_order_relaxed);
    std::string frame;
    frame.reserve(96 + token.size());
    if (call->progress_token.empty()) {
        // The original tutorial's frame (not JSON-RPC); `id` is an addition.
        frame += "{\"type\":\"stream_token\",\"token\":";
        common::append_json_string(frame, token);
        frame += ",\"position\":";
        frame += std::to_string(call->code_points);
        frame += ",\"id\":";
        frame += call->key;
        frame += '}';
    } else {
        frame +=
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{"
            "\"progressToken\":";
        frame += call->progress_token;
        frame += ",\"progress\":";
        frame += std::to_string(call->tokens);
        frame += ",\"message\":";
        common::append_json_string(frame, token);
        frame += "}}";
    }
    state_.stats.relay_lag.record(std::chrono::steady_clock::now() - read);
    send_(std::move(frame), Route{call->key, false, 0});
}

void McpSession::generated(const std::shared_ptr<Call>& call, OllamaResult result) {
    // A generation stays active until its reply is out, its save included: graceful shutdown
    // waits for active generations, and must not close the connection before the reply.
    const auto finished = [this] {
        --generating_;
        state_.stats.generations_active.fetch_sub(1, std::memory_order_relaxed);
    };
    if (result.ok() && result.text.size() > state_.config.max_summary_bytes) {
        call->over_budget = true;  // a non-streamed answer is measured whole
        state_.stats.budgets_exceeded.fetch_add(1, std::memory_order_relaxed);
    }
    if (call->over_budget) {
        result.error = OllamaError::cancelled;
        result.message = "Generation stopped: Ollama sent more than the per-call budget of " +
                         std::to_string(state_.config.max_tokens_per_call) + " tokens or " +
                         std::to_string(state_.config.max_summary_bytes) +
                         " bytes (--max-tokens-per-call, --max-summary-bytes); nothing saved";
    }
    std::string summary = result.ok() ? trim_summary(result.text) : std::string();
    if (!(call->save && !closed_ && !call->cancelled && !summary.empty())) finished();
    if (closed_ || call->cancelled) return;  // nothing is saved or sent for a cancelled call
    if (!result.ok()) {
        // A budget stop is ours, not Ollama's: budgets_exceeded counts it.
        if (!call->over_budget) state_.stats.upstream_errors.add(result.error);
        state_.log.warn(peer_ + ": " + call->tool + " " + call->patient->patient_id + " (id " +
                        call->key + ") failed: " + result.message);
        return reply(call, text_result(result.message, true));
    }
    if (summary.empty()) {
        return reply(call, text_result("Ollama returned an empty summary; nothing saved", true));
    }
    state_.log.info(peer_ + ": " + call->tool + " " + call->patient->patient_id + " (id " +
                    call->key + "): " + std::to_string(call->tokens) + " tokens relayed, " +
                    std::to_string(summary.size()) + " bytes");
    const std::string text = generated_summary_text(*call->patient, summary);
    if (!call->save) return reply(call, text_result(text));
    if (auto why = apply_formula_policy(state_.config.csv_formulas, summary)) {
        finished();
        return reply(call, text_result("Summary generated but not saved: " + *why, true));
    }
    save(call, std::move(summary), [this, call, text, finished](SaveResult saved) {
        finished();  // runs even when the connection closed meanwhile (reply then sends nothing)
        if (saved.ok()) return reply(call, text_result(text));
        reply(call, text_result("Summary generated but not saved: " + saved.message, true));
    });
}

void McpSession::save(const std::shared_ptr<Call>& call, std::string summary,
                      std::function<void(SaveResult)> then) {
    auto self = shared_from_this();
    state_.stats.saves_active.fetch_add(1, std::memory_order_relaxed);
    // The store answers on its writer thread once the save is durable; come back here.
    state_.store.save(
        call->patient->patient_id, std::move(summary),
        [self, then = std::move(then),
         started = std::chrono::steady_clock::now()](SaveResult r) mutable {
            self->state_.stats.save_latency.record(std::chrono::steady_clock::now() - started);
            net::post(self->strand_, [self, then = std::move(then), r = std::move(r)]() mutable {
                then(std::move(r));  // reply() checks closed_
                self->state_.stats.saves_active.fetch_sub(1, std::memory_order_relaxed);
            });
        });
}

void McpSession::reply(const std::shared_ptr<Call>& call, const json& result) {
    if (closed_ || call->cancelled) return;
    if (calls_.erase(call->key) != 0) {
        state_.stats.calls_in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    respond(call->id, result, call->stateless);
}

void McpSession::close() {
    if (closed_) return;
    closed_ = true;
    for (auto& [key, call] : calls_) {
        call->cancelled = true;
        if (call->upstream) state_.ollama.cancel(call->upstream);
    }
    if (!calls_.empty()) {
        state_.log.info(peer_ + ": connection closed with " + std::to_string(calls_.size()) +
                        " calls in flight; cancelled, nothing saved for them");
    }
    state_.stats.calls_in_flight.fetch_sub(static_cast<std::int64_t>(calls_.size()),
                                           std::memory_order_relaxed);
    calls_.clear();
}

}  // namespace core
