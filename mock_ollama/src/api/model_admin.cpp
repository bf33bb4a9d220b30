// /api/pull, /api/push, /api/create, /api/copy, /api/delete and /api/blobs/:digest: the
// model list as clients change it. What they change is seen by /api/tags, /api/show, /api/ps
// and /v1/models, which read the same list under the same mutex.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/progress.hpp"
#include "api/replies.hpp"
#include "api/request_json.hpp"
#include "api/sha256.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/model_name.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

constexpr std::string_view kBlobsPrefix = "/api/blobs/";
constexpr std::string_view kNoManifest = "pull model manifest: file does not exist";
// Digests are kept (not the bytes): this bounds what clients can make the mock hold.
constexpr std::size_t kMaxBlobs = 10'000;

// `stream` (default true), as Ollama's *bool field.
std::optional<std::string> read_stream(const json& body, std::string_view go, bool& stream) {
    if (!body.contains("stream") || body["stream"].is_null()) return std::nullopt;
    if (!body["stream"].is_boolean()) return type_error(go, "stream", body["stream"], "bool");
    stream = body["stream"].get<bool>();
    return std::nullopt;
}

// An optional string field; "" when absent.
std::optional<std::string> read_string(const json& body, const char* field, std::string_view go,
                                       std::string& out) {
    if (!body.contains(field) || body[field].is_null()) return std::nullopt;
    if (!body[field].is_string()) return type_error(go, field, body[field], "string");
    out = body[field].get<std::string>();
    return std::nullopt;
}

// What pull, push and create share: a JSON object body, `model` and `stream`.
struct TransferRequest {
    json body;
    std::string name;
    bool stream = true;
};

std::optional<std::string> read_transfer(const HttpRequest& req, std::string_view go,
                                         TransferRequest& out) {
    if (auto err = parse_body(req.body, out.body)) return err;
    if (auto err = require_model(out.body, go, out.name)) return err;
    return read_stream(out.body, go, out.stream);
}

std::string model_not_found(std::string_view name) {
    return "model '" + std::string(name) + "' not found";
}

std::string list_full() {
    return "mock-ollama holds at most " + std::to_string(kMaxModels) + " models";
}

// "sha256:<64 hex>" or "sha256-<64 hex>" (Ollama accepts both), as "sha256:<hex>"; else "".
std::string normalized_digest(std::string_view d) {
    if (d.size() != 71 || !d.starts_with("sha256") || (d[6] != ':' && d[6] != '-')) return {};
    std::string out = "sha256:";
    for (const char c : d.substr(7)) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

}  // namespace

bool Api::add_model(const ModelInfo& model) {
    std::lock_guard lock(mutex_);
    auto& models = config_.runtime.models;
    const auto same = std::find_if(models.begin(), models.end(),
                                   [&](const ModelInfo& m) { return m.name == model.name; });
    if (same != models.end()) {
        *same = model;
        return true;
    }
    if (models.size() >= kMaxModels) return false;
    models.push_back(model);
    return true;
}

Generation Api::progress(const HttpRequest& req, std::string model, std::vector<std::string> lines,
                         bool stream, std::int64_t received_wall_us,
                         std::function<void()> on_success) const {
    Generation g;
    g.kind = ApiKind::progress;
    g.stream = stream;
    g.model = std::move(model);
    g.keep_alive = req.keep_alive;
    g.time_scale = config_.time_scale;
    g.offsets = progress_offsets(lines.size(), config_.time_scale);
    g.ttft = g.offsets.front();
    g.tokens = Tokens(std::move(lines));
    // The request log holds generations; this record, not logged, keeps the run's books.
    g.record = std::make_shared<RequestRecord>();
    g.record->method = req.method;
    g.record->path = std::string(req.path());
    g.record->model = g.model;
    g.record->received_us = received_wall_us;
    g.record->set_tokens(g.tokens);
    g.on_success = std::move(on_success);
    return g;
}

Outcome Api::pull(const HttpRequest& req, std::int64_t received_wall_us) {
    TransferRequest t;
    if (auto err = read_transfer(req, "PullRequest", t)) return ollama_error(400, *err);
    const std::string& name = t.name;
    const bool stream = t.stream;
    ModelInfo model;
    bool fails = false;
    {
        std::lock_guard lock(mutex_);
        const ModelInfo* known = find_model(name);
        if (known != nullptr) model = *known;
        if (known == nullptr && config_.runtime.models.size() >= kMaxModels) {
            return ollama_error(500, list_full());
        }
        model.name = canonical_model_name(name);
        for (const auto& f : config_.runtime.pull_fail) {
            fails = fails || canonical_model_name(f) == model.name;
        }
    }
    if (fails) {
        if (!stream) return ollama_error(500, kNoManifest);
        return progress(req, name, failed_pull_lines(kNoManifest), true, received_wall_us, {});
    }
    return progress(req, name, pull_lines(model), stream, received_wall_us,
                    [this, model] { add_model(model); });
}

Outcome Api::push(const HttpRequest& req, std::int64_t received_wall_us) {
    TransferRequest t;
    if (auto err = read_transfer(req, "PushRequest", t)) return ollama_error(400, *err);
    ModelInfo model;
    {
        std::lock_guard lock(mutex_);
        const ModelInfo* known = find_model(t.name);
        if (known == nullptr) return ollama_error(404, model_not_found(t.name));
        model = *known;
    }
    return progress(req, t.name, push_lines(model), t.stream, received_wall_us, {});
}

Outcome Api::create(const HttpRequest& req, std::int64_t received_wall_us) {
    constexpr std::string_view go = "CreateRequest";
    TransferRequest t;
    if (auto err = read_transfer(req, go, t)) return ollama_error(400, *err);
    const json& body = t.body;
    std::string from, system;
    if (auto err = read_string(body, "from", go, from)) return ollama_error(400, *err);
    if (auto err = read_string(body, "system", go, system)) return ollama_error(400, *err);
    const json files = body.value("files", json());
    if (!files.is_null() && !files.is_object()) {
        return ollama_error(400, type_error(go, "files", files, "map[string]string"));
    }
    if (from.empty() && (files.is_null() || files.empty())) {
        return ollama_error(400, "neither 'from' or 'files' was specified");
    }
    ModelInfo model;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [file, digest] : files.items()) {
            if (!digest.is_string())
                return ollama_error(400, type_error(go, "files", digest, "string"));
            if (!blobs_.contains(normalized_digest(digest.get<std::string>()))) {
                return ollama_error(400, "blob '" + digest.get<std::string>() + "' for '" + file +
                                             "' not found; push it to /api/blobs first");
            }
        }
        if (!from.empty()) {
            const ModelInfo* base = find_model(from);
            if (base == nullptr) return ollama_error(404, model_not_found(from));
            model = *base;
        }
    }
    model.name = canonical_model_name(t.name);
    auto lines = create_lines(model, from.empty(), !system.empty());
    return progress(req, t.name, std::move(lines), t.stream, received_wall_us,
                    [this, model] { add_model(model); });
}

Reply Api::copy(const HttpRequest& req) {
    constexpr std::string_view go = "CopyRequest";
    json body;
    if (auto err = parse_body(req.body, body)) return ollama_error(400, *err);
    std::string source, destination;
    if (auto err = read_string(body, "source", go, source)) return ollama_error(400, *err);
    if (auto err = read_string(body, "destination", go, destination))
        return ollama_error(400, *err);
    if (source.empty()) return ollama_error(400, "source \"\" is invalid");
    if (destination.empty()) return ollama_error(400, "destination \"\" is invalid");
    ModelInfo model;
    {
        std::lock_guard lock(mutex_);
        const ModelInfo* known = find_model(source);
        if (known == nullptr) return ollama_error(404, "model \"" + source + "\" not found");
        model = *known;
    }
    model.name = canonical_model_name(destination);
    if (!add_model(model)) return ollama_error(500, list_full());
    return empty_reply();
}

Reply Api::remove(const HttpRequest& req) {
    json body;
    if (auto err = parse_body(req.body, body)) return ollama_error(400, *err);
    std::string name;
    if (auto err = require_model(body, "DeleteRequest", name)) return ollama_error(400, *err);
    std::lock_guard lock(mutex_);
    const ModelInfo* known = find_model(name);
    if (known == nullptr) return ollama_error(404, model_not_found(name));
    loaded_.erase(known->name);
    auto& models = config_.runtime.models;
    models.erase(models.begin() + (known - models.data()));
    return empty_reply();
}

Reply Api::blob(const HttpRequest& req) {
    const auto raw = req.path().substr(kBlobsPrefix.size());
    const std::string digest = normalized_digest(raw);
    if (digest.empty()) return ollama_error(400, "invalid digest format");
    {
        std::lock_guard lock(mutex_);
        if (blobs_.contains(digest)) return empty_reply();
        if (req.method == "HEAD") {
            return ollama_error(404, "blob \"" + std::string(raw) + "\" not found");
        }
    }
    const std::string got = "sha256:" + sha256_hex(req.body);
    if (got != digest) {
        return ollama_error(
            400, "digest mismatch, expected \"" + std::string(raw) + "\", got \"" + got + "\"");
    }
    std::lock_guard lock(mutex_);
    if (blobs_.size() >= kMaxBlobs) {
        return ollama_error(500,
                            "mock-ollama holds at most " + std::to_string(kMaxBlobs) + " blobs");
    }
    blobs_.insert(digest);
    return empty_reply(201);
}

}  // namespace mock_ollama
