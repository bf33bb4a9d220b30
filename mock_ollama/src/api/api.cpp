#include "mock_ollama/api.hpp"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "api/progress.hpp"
#include "api/replies.hpp"
#include "api/request_json.hpp"
#include "api/safe_text.hpp"
#include "common/clock.hpp"
#include "common/rng.hpp"
#include "mock_ollama/admin_guard.hpp"
#include "mock_ollama/handler_guard.hpp"
#include "mock_ollama/model_name.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

json details_of(const ModelInfo& m) {
    return {{"parent_model", ""},
            {"format", "gguf"},
            {"family", m.family},
            {"families", json::array({m.family})},
            {"parameter_size", m.parameter_size},
            {"quantization_level", m.quantization_level}};
}

// One entry of /v1/models, and the answer of /v1/models/{id}.
json openai_model_json(std::string_view id) {
    return {{"id", id}, {"object", "model"}, {"created", 1717243200}, {"owned_by", "library"}};
}

// A path segment as clients send it: SDKs percent-encode the model id ("phi%3Alatest").
// Only well-formed %XX escapes are decoded; anything else is kept as sent.
std::string percent_decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned v = 0;
        if (s[i] == '%' && i + 2 < s.size() &&
            std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr == s.data() + i + 3) {
            out += static_cast<char>(v);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

constexpr std::string_view kModifiedAt = "2024-06-01T12:00:00.000000000Z";

std::optional<Reply> refuse_method(const HttpRequest& req, bool ok, const char* allow) {
    if (ok) return std::nullopt;
    return Reply{http_error(405,
                            "method " + req.method + " not allowed on " + std::string(req.path()) +
                                "; use " + allow,
                            false, {{"Allow", allow}}),
                 false};
}

std::optional<std::uint64_t> query_uint(std::string_view query, std::string_view key) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos || item.substr(0, eq) != key) continue;
        const auto v = item.substr(eq + 1);
        std::uint64_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec == std::errc{} && p == v.data() + v.size()) return n;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (iequals(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

std::string_view HttpRequest::path() const {
    const std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    const auto q = target.find('?');
    return q == std::string::npos ? std::string_view{} : std::string_view(target).substr(q + 1);
}

Api::Api(const MockConfig& config, Stats& stats, RequestLog& log, common::Logger logger)
    : config_(config),
      initial_runtime_(config.runtime),
      stats_(stats),
      log_(log),
      logger_(std::move(logger)) {}

Outcome Api::handle(const HttpRequest& request, std::int64_t received_wall_us) {
    stats_.request();
    bool threw = true;
    Outcome out = guard_handler(request, logger_, [&] {
        Outcome o = route(request, received_wall_us);
        threw = false;
        return o;
    });
    if (threw) internal_errors_.fetch_add(1, std::memory_order_relaxed);
    if (auto* reply = std::get_if<Reply>(&out)) {
        // The status code sits at a fixed place in "HTTP/1.1 NNN".
        if (reply->bytes.size() > 9 && reply->bytes[9] == '4') stats_.bad_request();
        if (!request.keep_alive) reply->close = true;
        if (request.method == "HEAD") {
            // GET's headers (Content-Length included) without the body: a body here would be
            // read as the start of the next response on a keep-alive connection.
            const auto head_end = reply->bytes.find("\r\n\r\n");
            if (head_end != std::string::npos) reply->bytes.resize(head_end + 4);
        }
    }
    return out;
}

Outcome Api::route(const HttpRequest& req, std::int64_t received_wall_us) {
    const auto path = req.path();
    const bool get = req.method == "GET" || req.method == "HEAD";
    const bool post = req.method == "POST";
    auto only = [&](bool ok, const char* allow) { return refuse_method(req, ok, allow); };
    if (path == "/") {
        if (auto r = only(get, "GET")) return *r;
        return Reply{http_response(200, "text/plain; charset=utf-8", "Ollama is running"), false};
    }
    if (path == "/api/generate" || path == "/api/chat" || path == "/v1/chat/completions" ||
        path == "/v1/completions") {
        if (auto r = only(post, "POST")) return *r;
        const ApiKind kind = path == "/api/generate"          ? ApiKind::generate
                             : path == "/api/chat"            ? ApiKind::chat
                             : path == "/v1/chat/completions" ? ApiKind::openai
                                                              : ApiKind::openai_completion;
        return generation(req, kind, received_wall_us);
    }
    if (path == "/api/version") {
        if (auto r = only(get, "GET")) return *r;
        return json_reply({{"version", "0.9.0"}});
    }
    if (auto out = route_models(req, received_wall_us)) return std::move(*out);
    if (path.starts_with("/_mock/")) {
        // Before the method check and the 404: a web page learns nothing about the admin API.
        if (auto refused = check_admin_request(req, config_.admin_token)) return *refused;
    }
    if (path == "/_mock/stats") {
        if (auto r = only(get, "GET")) return *r;
        return json_reply(stats_.to_json());
    }
    if (path == "/_mock/requests") {
        if (auto r = only(get || post, "GET, POST")) return *r;
        return mock_requests(req);
    }
    if (path == "/_mock/clock") {
        if (auto r = only(get, "GET")) return *r;
        // Read-only: a harness on another machine estimates its clock's offset from this.
        return json_reply({{"wall_us", common::wall_micros()}, {"last_id", log_.last_id()}});
    }
    if (path == "/_mock/config") {
        if (auto r = only(get || post, "GET, POST")) return *r;
        return mock_config(req);
    }
    if (path == "/_mock/reset") {
        if (auto r = only(post, "POST")) return *r;
        return mock_reset();
    }
    if (path == "/metrics") {
        if (auto r = only(get, "GET")) return *r;
        return Reply{http_response(200, "text/plain; version=0.0.4", stats_.to_prometheus()),
                     false};
    }
    // What Ollama's router (gin) answers for an unknown path.
    return Reply{http_response(404, "text/plain", "404 page not found"), false};
}

// The model list and what reads or changes it, /api and /v1; nullopt for any other path.
std::optional<Outcome> Api::route_models(const HttpRequest& req, std::int64_t received_wall_us) {
    const auto path = req.path();
    const bool get = req.method == "GET" || req.method == "HEAD";
    const bool post = req.method == "POST";
    auto only = [&](bool ok, const char* allow) { return refuse_method(req, ok, allow); };
    if (path == "/api/tags") {
        if (auto r = only(get, "GET")) return *r;
        return tags();
    }
    if (path == "/api/show") {
        if (auto r = only(post, "POST")) return *r;
        return show(req);
    }
    if (path == "/api/ps") {
        if (auto r = only(get, "GET")) return *r;
        return ps();
    }
    if (path == "/api/embed" || path == "/api/embeddings") {
        if (auto r = only(post, "POST")) return *r;
        return embed(req, path == "/api/embeddings");
    }
    if (path == "/v1/models") {
        if (auto r = only(get, "GET")) return *r;
        return openai_models();
    }
    if (path.starts_with("/v1/models/")) {
        if (auto r = only(get, "GET")) return *r;
        return openai_model(path.substr(std::string_view("/v1/models/").size()));
    }
    if (path == "/v1/embeddings") {
        if (auto r = only(post, "POST")) return *r;
        return openai_embeddings(req);
    }
    if (path == "/api/pull" || path == "/api/push" || path == "/api/create") {
        if (auto r = only(post, "POST")) return *r;
        if (path == "/api/pull") return pull(req, received_wall_us);
        return path == "/api/push" ? push(req, received_wall_us) : create(req, received_wall_us);
    }
    if (path == "/api/copy") {
        if (auto r = only(post, "POST")) return *r;
        return copy(req);
    }
    if (path == "/api/delete") {
        if (auto r = only(req.method == "DELETE", "DELETE")) return *r;
        return remove(req);
    }
    if (path.starts_with("/api/blobs/")) {
        if (auto r = only(req.method == "HEAD" || post, "HEAD, POST")) return *r;
        return blob(req);
    }
    return std::nullopt;
}

const ModelInfo* Api::find_model(std::string_view name) const {
    const std::string wanted = canonical_model_name(name);
    for (const auto& m : config_.runtime.models) {
        if (m.name == name || m.name == wanted) return &m;
    }
    return nullptr;
}

Reply Api::tags() const {
    std::lock_guard lock(mutex_);
    json models = json::array();
    for (const auto& m : config_.runtime.models) {
        models.push_back({{"name", m.name},
                          {"model", m.name},
                          {"modified_at", kModifiedAt},
                          {"size", m.size},
                          {"digest", model_digest(m.name)},
                          {"details", details_of(m)}});
    }
    return json_reply({{"models", models}});
}

Reply Api::show(const HttpRequest& req) const {
    json body;
    if (auto err = parse_body(req.body, body)) return Reply{http_error(400, *err), false};
    std::string name;
    if (auto err = require_model(body, "ShowRequest", name))
        return Reply{http_error(400, *err), false};
    std::lock_guard lock(mutex_);
    const ModelInfo* m = find_model(name);
    if (m == nullptr) return Reply{http_error(404, "model '" + name + "' not found"), false};
    const std::string arch = m->family == "llama" ? "llama" : "phi2";
    return json_reply(
        {{"license", "MIT"},
         {"modelfile", "# Modelfile generated by mock-ollama\nFROM " + m->name + "\n"},
         {"parameters", "stop \"<|endoftext|>\""},
         {"template", "{{ .Prompt }}"},
         {"details", details_of(*m)},
         {"model_info",
          {{"general.architecture", arch},
           {"general.parameter_count", 2779683840LL},
           {arch + ".context_length", 2048},
           {arch + ".embedding_length", 2560}}},
         {"capabilities", m->capabilities.names()},
         {"modified_at", kModifiedAt}});
}

Reply Api::ps() const {
    std::lock_guard lock(mutex_);
    json models = json::array();
    for (const auto& [name, last_us] : loaded_) {
        const ModelInfo* m = find_model(name);
        if (m == nullptr) continue;
        models.push_back({{"name", m->name},
                          {"model", m->name},
                          {"size", m->size},
                          {"digest", model_digest(m->name)},
                          {"details", details_of(*m)},
                          {"expires_at", common::rfc3339_micros(last_us + 300'000'000)},
                          {"size_vram", m->size}});
    }
    return json_reply({{"models", models}});
}

Reply Api::openai_models() const {
    std::lock_guard lock(mutex_);
    json data = json::array();
    for (const auto& m : config_.runtime.models) {
        data.push_back(openai_model_json(m.name));
    }
    return json_reply({{"object", "list"}, {"data", data}});
}

Reply Api::openai_model(std::string_view id) const {
    const std::string name = percent_decoded(id);
    std::lock_guard lock(mutex_);
    if (find_model(name) == nullptr) {
        return Reply{http_openai_error(404, "model '" + name + "' not found"), false};
    }
    return json_reply(openai_model_json(name));  // the id as asked, as Ollama answers
}

Reply Api::mock_requests(const HttpRequest& req) const {
    if (req.method == "POST") {
        auto parsed = parse_log_query(req.body, config_.request_log_limit);
        if (const auto* err = std::get_if<std::string>(&parsed)) {
            return Reply{http_error(400, *err), false};
        }
        return json_reply(log_.snapshot(std::get<LogQuery>(parsed)));
    }
    const auto q = req.query();
    const auto since = query_uint(q, "since").value_or(0);
    const auto limit = query_uint(q, "limit").value_or(config_.request_log_limit);
    const bool tokens = query_uint(q, "tokens").value_or(1) != 0;
    return json_reply(log_.snapshot(since, limit, tokens));
}

Reply Api::mock_config(const HttpRequest& req) {
    if (req.method == "POST") {
        json body;
        if (auto err = parse_body(req.body, body)) return Reply{http_error(400, *err), false};
        try {
            std::lock_guard lock(mutex_);
            apply_config_json(body, config_.runtime, nullptr, config_.scripts_dir);
        } catch (const std::invalid_argument& e) {
            return Reply{http_error(400, e.what()), false};
        }
        logger_.info("run-time config changed: " + escape_invalid_utf8(req.body));
    }
    std::lock_guard lock(mutex_);
    json j = runtime_to_json(config_.runtime);
    j["time_scale"] = config_.time_scale;
    return json_reply(j);
}

Reply Api::mock_reset() {
    stats_.reset();
    log_.reset();
    {
        std::lock_guard lock(mutex_);
        loaded_.clear();
        blobs_.clear();
        config_.runtime = initial_runtime_;
    }
    logger_.info("reset: stats, request log and run-time config");
    return json_reply({{"status", "reset"}});
}

}  // namespace mock_ollama
