// Api::generation: turns /api/generate, /api/chat and /v1/chat/completions requests into a
// Generation plan (tokens, schedule, fault), or an error reply.
#include <nlohmann/json.hpp>

#include "api/format_request.hpp"
#include "api/request_json.hpp"
#include "api/safe_text.hpp"
#include "api/tool_plan.hpp"
#include "common/clock.hpp"
#include "common/enum_names.hpp"
#include "common/log.hpp"
#include "common/rng.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/schedule.hpp"
#include "mock_ollama/scripts.hpp"
#include "mock_ollama/textgen.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

// The Go request struct Ollama names in its type errors, per endpoint. A switch over an enum
// like the harness's frame_name (checks/compat.cpp): one mapping each, nothing shared.
std::string_view go_struct_of(ApiKind kind) {
    switch (kind) {
        case ApiKind::generate:
            return "GenerateRequest";
        case ApiKind::chat:
            return "ChatRequest";
        case ApiKind::openai:
            return "ChatCompletionRequest";
        case ApiKind::openai_completion:
            return "CompletionRequest";
        case ApiKind::progress:
            break;
    }
    return "Request";
}

Reply error_reply(ApiKind kind, int status, std::string_view message) {
    return {is_openai(kind) ? http_openai_error(status, message) : http_error(status, message),
            false};
}

// What one request says about itself, read from its body, options and X-Mock-* headers.
struct Parsed {
    std::string model, prompt;
    bool stream = true;
    std::optional<std::uint64_t> seed;
    std::optional<std::int64_t> num_predict;
    std::vector<std::string> stop;
    bool include_usage = false;
    std::optional<std::string> fault_spec;
    PacingOverride pacing;
    std::optional<TextProfile> profile;
    std::optional<double> hostile_rate;
    json options = json::object();
};

// Reads `stop` (a string or an array of strings).
std::optional<std::string> read_stop(const json& v, std::vector<std::string>& out) {
    if (v.is_string()) {
        out.push_back(v.get<std::string>());
    } else if (v.is_array()) {
        for (const auto& s : v) {
            if (!s.is_string()) return "stop must be a string or an array of strings";
            if (!s.get<std::string>().empty()) out.push_back(s.get<std::string>());
        }
    } else if (!v.is_null()) {
        return "stop must be a string or an array of strings";
    }
    return std::nullopt;
}

// Reads the mock_* keys (from options) or X-Mock-* values into `p`.
std::optional<std::string> read_mock_key(std::string_view key, const json& v, Parsed& p) {
    auto num = [&](double lo, double hi) -> std::optional<double> {
        if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi) return std::nullopt;
        return v.get<double>();
    };
    if (key == "mock_fault") {
        if (!v.is_string()) return "mock_fault must be a string";
        p.fault_spec = v.get<std::string>();
    } else if (key == "mock_ttft_ms") {
        auto d = num(0, 86'400'000);
        if (!d) return "mock_ttft_ms must be a number of milliseconds >= 0";
        p.pacing.ttft = std::chrono::nanoseconds(static_cast<std::int64_t>(*d * 1e6));
    } else if (key == "mock_tps") {
        auto d = num(0.001, 1e9);
        if (!d) return "mock_tps must be a number > 0";
        p.pacing.tps = *d;
    } else if (key == "mock_jitter") {
        auto d = num(0, 1);
        if (!d) return "mock_jitter must be a number between 0 and 1";
        p.pacing.jitter = *d;
    } else if (key == "mock_tokens") {
        if (!v.is_number_unsigned()) return "mock_tokens must be a non-negative integer";
        if (v.get<std::uint64_t>() > kMaxTokensPerResponse) {
            return "mock_tokens must be at most " + std::to_string(kMaxTokensPerResponse);
        }
        p.pacing.tokens = v.get<std::size_t>();
    } else if (key == "mock_profile") {
        const auto prof = v.is_string() ? parse_text_profile(v.get<std::string>()) : std::nullopt;
        if (!prof)
            return "mock_profile must be one of " + common::spelled_list(text_profile_names());
        p.profile = prof;
    } else if (key == "mock_hostile_rate") {
        auto d = num(0, 1);
        if (!d) return "mock_hostile_rate must be a number between 0 and 1";
        p.hostile_rate = *d;
    } else if (key == "mock_seed") {
        if (!v.is_number_unsigned()) return "mock_seed must be a non-negative integer";
        p.seed = v.get<std::uint64_t>();
    }
    return std::nullopt;
}

std::optional<std::string> read_headers(const HttpRequest& req, Parsed& p) {
    static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"X-Mock-TTFT-Ms", "mock_ttft_ms"}, {"X-Mock-TPS", "mock_tps"},
        {"X-Mock-Jitter", "mock_jitter"},   {"X-Mock-Tokens", "mock_tokens"},
        {"X-Mock-Seed", "mock_seed"},       {"X-Mock-Hostile-Rate", "mock_hostile_rate"},
    };
    for (const auto& [header, key] : kHeaders) {
        const auto v = req.header(header);
        if (!v) continue;
        const json parsed = json::parse(*v, nullptr, false);
        if (parsed.is_discarded() || !parsed.is_number()) {
            return std::string(header) + " must be a number, got '" + std::string(*v) + "'";
        }
        if (auto err = read_mock_key(key, parsed, p)) {
            return std::string(header) + ": " + *err;
        }
    }
    if (auto v = req.header("X-Mock-Profile")) {
        if (auto err = read_mock_key("mock_profile", json(std::string(*v)), p)) {
            return "X-Mock-Profile: " + *err;
        }
    }
    if (auto v = req.header("X-Mock-Fault")) p.fault_spec = std::string(*v);
    return std::nullopt;
}

// /api/generate: `prompt`, after `system` when there is one.
std::optional<std::string> read_generate_prompt(const json& body, std::string_view go, Parsed& p) {
    for (const char* f : {"prompt", "system"}) {
        if (!body.contains(f) || body[f].is_null()) continue;
        if (!body[f].is_string()) return type_error(go, f, body[f], "string");
    }
    if (body.contains("system") && body["system"].is_string()) {
        p.prompt = body["system"].get<std::string>() + "\n";
    }
    if (body.contains("prompt") && body["prompt"].is_string()) {
        p.prompt += body["prompt"].get<std::string>();
    }
    if (body.value("prompt", json()).is_null() || body["prompt"].get<std::string>().empty()) {
        p.prompt.clear();  // a load request; the system prompt alone generates nothing
    }
    return std::nullopt;
}

// /v1/completions: `prompt`, a string (Ollama's CompletionRequest takes no token arrays).
std::optional<std::string> read_completion_prompt(const json& body, std::string_view go,
                                                  Parsed& p) {
    if (!body.contains("prompt") || body["prompt"].is_null()) return std::nullopt;
    if (!body["prompt"].is_string()) return type_error(go, "prompt", body["prompt"], "string");
    p.prompt = body["prompt"].get<std::string>();
    return std::nullopt;
}

// /api/chat and /v1/chat/completions: the messages' contents, one per line.
std::optional<std::string> read_messages(ApiKind kind, const json& body, std::string_view go,
                                         Parsed& p) {
    if (!body.contains("messages") || body["messages"].is_null()) {
        if (kind == ApiKind::openai) return "messages is required";
        return std::nullopt;
    }
    const auto& msgs = body["messages"];
    if (!msgs.is_array()) return type_error(go, "messages", msgs, "[]api.Message");
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        const auto& m = msgs[i];
        if (!m.is_object()) return type_error(go, "messages", m, "api.Message");
        if (!m.contains("role") || !m["role"].is_string()) {
            return "messages[" + std::to_string(i) + "].role is required";
        }
        if (m.contains("content") && !m["content"].is_null() && !m["content"].is_string()) {
            return type_error("Message", "content", m["content"], "string");
        }
        if (m.contains("content") && m["content"].is_string()) {
            if (!p.prompt.empty()) p.prompt += "\n";
            p.prompt += m["content"].get<std::string>();
        }
    }
    return std::nullopt;
}

// OpenAI's own fields: seed, max_tokens, stop, stream_options.include_usage.
std::optional<std::string> read_openai(const json& body, Parsed& p) {
    if (body.contains("seed") && !body["seed"].is_null()) {
        if (!body["seed"].is_number_integer()) return "seed must be an integer";
        p.seed = static_cast<std::uint64_t>(body["seed"].get<std::int64_t>());
    }
    for (const char* f : {"max_tokens", "max_completion_tokens"}) {
        if (!body.contains(f) || body[f].is_null()) continue;
        if (!body[f].is_number_integer()) return std::string(f) + " must be an integer";
        p.num_predict = body[f].get<std::int64_t>();
    }
    if (body.contains("stop")) {
        if (auto err = read_stop(body["stop"], p.stop)) return err;
    }
    if (body.contains("stream_options") && body["stream_options"].is_object()) {
        const auto& so = body["stream_options"];
        if (so.contains("include_usage") && !so["include_usage"].is_null()) {
            if (!so["include_usage"].is_boolean()) {
                return "stream_options.include_usage must be a boolean";
            }
            p.include_usage = so["include_usage"].get<bool>();
        }
    }
    return std::nullopt;
}

// Ollama's `options`: seed, num_predict, stop, and the mock_* keys.
std::optional<std::string> read_options(const json& o, std::string_view go, Parsed& p) {
    if (!o.is_object()) return type_error(go, "options", o, "map[string]interface {}");
    p.options = o;
    if (o.contains("seed") && !o["seed"].is_null()) {
        if (!o["seed"].is_number_integer()) {
            return "option \"seed\" must be of type integer";
        }
        p.seed = static_cast<std::uint64_t>(o["seed"].get<std::int64_t>());
    }
    if (o.contains("num_predict") && !o["num_predict"].is_null()) {
        if (!o["num_predict"].is_number_integer()) {
            return "option \"num_predict\" must be of type integer";
        }
        p.num_predict = o["num_predict"].get<std::int64_t>();
    }
    if (o.contains("stop")) {
        if (auto err = read_stop(o["stop"], p.stop)) return "option " + *err;
    }
    for (const auto& [key, value] : o.items()) {
        if (auto err = read_mock_key(key, value, p)) return "option " + *err;
    }
    return std::nullopt;
}

// Parses the body of a generation request into `p`; returns the error text on failure.
std::optional<std::string> read_body(ApiKind kind, const json& body, Parsed& p) {
    const auto go = go_struct_of(kind);
    auto err = kind == ApiKind::generate            ? read_generate_prompt(body, go, p)
               : kind == ApiKind::openai_completion ? read_completion_prompt(body, go, p)
                                                    : read_messages(kind, body, go, p);
    if (err) return err;
    if (body.contains("stream") && !body["stream"].is_null()) {
        if (!body["stream"].is_boolean()) return type_error(go, "stream", body["stream"], "bool");
        p.stream = body["stream"].get<bool>();
    } else {
        p.stream = !is_openai(kind);  // OpenAI's default is a single response
    }
    if (is_openai(kind)) {
        if (auto e = read_openai(body, p)) return e;
    }
    if (body.contains("options") && !body["options"].is_null()) {
        return read_options(body["options"], go, p);
    }
    return std::nullopt;
}

// Cuts the tokens where the first stop sequence begins.
bool apply_stop(std::vector<std::string>& tokens, const std::vector<std::string>& stops) {
    if (stops.empty()) return false;
    std::string text;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::size_t before = text.size();
        text += tokens[i];
        std::size_t cut = std::string::npos;
        for (const auto& s : stops) {
            const auto at = text.find(s, before >= s.size() ? before - s.size() + 1 : 0);
            if (at != std::string::npos && at < cut) cut = at;
        }
        if (cut == std::string::npos) continue;
        // The stop sequence itself is never emitted.
        std::size_t start = 0;
        std::size_t keep = 0;
        for (; keep < i + 1; ++keep) {
            if (start + tokens[keep].size() > cut) break;
            start += tokens[keep].size();
        }
        const std::size_t partial = cut - start;
        if (keep < tokens.size() && partial > 0) {
            tokens[keep].resize(partial);
            ++keep;
        }
        tokens.resize(keep);
        return true;
    }
    return false;
}

std::vector<int> context_ids(std::string_view prompt, const std::vector<std::string>& tokens) {
    std::vector<int> ids;
    auto id_of = [](std::string_view s) {
        return static_cast<int>(common::fnv1a64(s) % 32000) + 1;
    };
    std::size_t start = 0;
    for (std::size_t i = 0; i <= prompt.size(); ++i) {
        if (i == prompt.size() || prompt[i] == ' ' || prompt[i] == '\n') {
            if (i > start) ids.push_back(id_of(prompt.substr(start, i - start)));
            start = i + 1;
        }
    }
    for (const auto& t : tokens) ids.push_back(id_of(t));
    return ids;
}

// Ollama answers an empty prompt by loading the model: one object, done_reason "load".
Reply load_reply(ApiKind kind, const std::string& model) {
    json r = {{"model", model},
              {"created_at", common::rfc3339_nanos(common::SystemClock::now())},
              {"done", true},
              {"done_reason", "load"}};
    if (kind == ApiKind::chat) {
        r["message"] = {{"role", "assistant"}, {"content", ""}};
    } else {
        r["response"] = "";
    }
    return Reply{http_response(200, "application/json; charset=utf-8", dump_json(r)), false};
}

std::shared_ptr<RequestRecord> new_record(const HttpRequest& req, ApiKind kind, const Parsed& p,
                                          const Generation& g, std::int64_t received_wall_us) {
    auto record = std::make_shared<RequestRecord>();
    record->method = req.method;
    record->path = std::string(req.path());
    record->endpoint = kind == ApiKind::generate ? "generate"
                       : kind == ApiKind::chat   ? "chat"
                       : kind == ApiKind::openai ? "openai_chat"
                                                 : "openai_completion";
    record->model = g.model;
    record->prompt = p.prompt;
    record->stream = p.stream;
    record->fault = g.fault.spec;
    record->received_us = received_wall_us;
    record->options = p.options;
    return record;
}

Reply http_status_reply(ApiKind kind, const Fault& fault) {
    std::vector<Header> extra;
    if (fault.status == 429) extra.push_back({"Retry-After", std::to_string(fault.retry_after_s)});
    if (is_openai(kind)) {
        return Reply{http_openai_error(fault.status, fault.message, false, extra), false};
    }
    return Reply{http_error(fault.status, fault.message, false, extra), false};
}

// What the configuration and the request's own settings give for one generation.
struct Settings {
    Pacing pacing;
    TextOptions text;
    std::uint64_t seed = 0;
    std::optional<Fault> fault;
    std::shared_ptr<const ScriptBook> scripts;
};

// The request's own settings (options, X-Mock-* headers) over the configured ones.
std::optional<std::string> apply_request(const Parsed& p, Settings& s) {
    p.pacing.apply_to(s.pacing);
    if (p.profile) s.text.profile = *p.profile;
    if (p.hostile_rate) s.text.hostile_rate = *p.hostile_rate;
    if (p.seed) s.seed = *p.seed;
    if (p.fault_spec) {
        auto parsed = parse_fault(*p.fault_spec);
        if (auto* err = std::get_if<std::string>(&parsed)) return *err;
        s.fault = std::get<Fault>(parsed);
    }
    return std::nullopt;
}

// The tokens (a script that matches wins over a structured answer, which wins over generated
// text) and their schedule.
void plan_tokens(Generation& g, const Parsed& p, const Settings& s, double time_scale,
                 const std::vector<std::string>& structured) {
    std::vector<double> delays;
    const ScriptedResponse* scripted = s.scripts ? s.scripts->match(g.model, p.prompt) : nullptr;
    const std::vector<std::string>* fixed = scripted             ? &scripted->tokens
                                            : structured.empty() ? nullptr
                                                                 : &structured;
    std::size_t count = fixed ? fixed->size() : s.pacing.tokens;
    g.done_reason = "stop";
    if (p.num_predict && *p.num_predict >= 0 && static_cast<std::size_t>(*p.num_predict) < count) {
        count = static_cast<std::size_t>(*p.num_predict);
        g.done_reason = "length";
    }
    std::vector<std::string> tokens;
    if (fixed) {
        tokens.assign(fixed->begin(), fixed->begin() + static_cast<std::ptrdiff_t>(count));
        if (scripted) delays = scripted->delays_ms;
    } else {
        tokens = generate_tokens(s.seed, g.model, p.prompt, count, s.text);
    }
    if (apply_stop(tokens, p.stop)) g.done_reason = "stop";
    g.tokens = Tokens(std::move(tokens));
    g.record->set_tokens(g.tokens);
    const std::uint64_t key = common::fnv1a64(p.prompt, common::fnv1a64(g.model, s.seed));
    g.offsets = emission_offsets(key, s.pacing, g.tokens.size(), time_scale, delays);
    g.ttft = g.offsets.empty() ? common::scaled(s.pacing.ttft, time_scale) : g.offsets[0];
    g.prompt_eval_count = count_prompt_tokens(p.prompt);
}

}  // namespace

Outcome Api::generation(const HttpRequest& req, ApiKind kind, std::int64_t received_wall_us) {
    json body;
    if (auto err = parse_body(req.body, body)) return error_reply(kind, 400, *err);
    Parsed p;
    if (auto err = require_model(body, go_struct_of(kind), p.model)) {
        return error_reply(kind, 400, *err);
    }
    if (auto err = read_body(kind, body, p)) return error_reply(kind, 400, *err);
    if (auto err = read_headers(req, p)) return error_reply(kind, 400, *err);
    FormatRequest format;
    if (auto err = read_format_request(kind, body, format)) return error_reply(kind, 400, *err);
    ToolsRequest tools;
    if (auto err = read_tools_request(kind, body, go_struct_of(kind), tools)) {
        return error_reply(kind, 400, *err);
    }

    Generation g;
    g.kind = kind;
    g.stream = p.stream;
    g.include_usage = p.include_usage;
    g.keep_alive = req.keep_alive;
    g.time_scale = config_.time_scale;
    Settings s;
    std::string think;
    {  // Model, pacing, text and fault under the lock; the tokens are generated outside it.
        std::lock_guard lock(mutex_);
        const ModelInfo* m = find_model(p.model);
        if (m == nullptr) return error_reply(kind, 404, "model '" + p.model + "' not found");
        if (auto err = check_capabilities(kind, *m, p.model, tools)) {
            return error_reply(kind, 400, *err);
        }
        think = think_level(kind, *m, tools);
        g.model = p.model;  // Ollama echoes the name as the request spelled it
        s.pacing = config_.runtime.pacing;
        m->pacing.apply_to(s.pacing);
        s.text = config_.runtime.text;
        s.seed = config_.runtime.seed;
        s.scripts = config_.runtime.scripts;
        loaded_[m->name] = received_wall_us;
        // The first matching rule that has uses left applies, and only it is used up: two
        // rules for one prompt (say, a fault for the first call, pacing for the second)
        // apply one after the other.
        for (auto& rule : config_.runtime.rules) {
            if (rule.remaining && *rule.remaining == 0) continue;
            if (!rule.model.empty() && rule.model != m->name) continue;
            if (!rule.match.empty() && p.prompt.find(rule.match) == std::string::npos) continue;
            rule.pacing.apply_to(s.pacing);
            if (rule.profile) s.text.profile = *rule.profile;
            if (rule.fault) s.fault = rule.fault;
            if (rule.remaining) --*rule.remaining;
            break;
        }
    }
    if (auto err = apply_request(p, s)) return error_reply(kind, 400, *err);
    std::vector<std::string> structured;
    if (auto err = structured_tokens(format, s.seed, g.model, p.prompt, s.text, structured)) {
        return error_reply(kind, 400, *err);
    }
    if (s.fault) g.fault = *s.fault;
    if (p.prompt.empty() && !is_openai(kind)) return load_reply(kind, g.model);

    // The record goes into the log before any fault, so that faults are visible there too.
    g.record = new_record(req, kind, p, g, received_wall_us);
    log_.add(g.record);
    stats_.generation();
    if (g.fault.active()) {
        stats_.fault(g.fault.kind);
        MSH_INFO(logger_, "request " + std::to_string(g.record->id) + ": fault " + g.fault.spec);
    }
    if (g.fault.kind == FaultKind::http_status) {
        g.record->finish(g.fault.status, "fault");
        return http_status_reply(kind, g.fault);
    }

    plan_tokens(g, p, s, config_.time_scale, structured);
    const TurnSettings turn{p.prompt, think,           s.pacing,          s.text,
                            s.seed,   s.scripts.get(), config_.time_scale};
    if (auto err = plan_turn(g, tools, turn)) {
        g.record->finish(400, "invalid_request");
        return error_reply(kind, 400, *err);
    }
    if (kind == ApiKind::generate) g.context = context_ids(p.prompt, g.tokens.all());
    if (is_openai(kind)) {
        g.completion_id =
            (kind == ApiKind::openai ? "chatcmpl-" : "cmpl-") + std::to_string(g.record->id);
    }
    MSH_DEBUG(logger_, "request " + std::to_string(g.record->id) + ": " + g.record->endpoint + " " +
                           g.model + ", " + std::to_string(g.tokens.size()) + " tokens" +
                           (g.stream ? ", streaming" : ""));
    return g;
}

}  // namespace mock_ollama
