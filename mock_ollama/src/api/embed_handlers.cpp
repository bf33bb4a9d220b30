// /api/embed, /api/embeddings and /v1/embeddings: one set of deterministic vectors
// (embed_text), three request and response shapes.
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "api/replies.hpp"
#include "api/request_json.hpp"
#include "common/clock.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/embedding.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

constexpr std::size_t kDefaultDims = 384;

std::optional<std::string> read_dimensions(const json& body, std::size_t& dims) {
    if (!body.contains("dimensions") || body["dimensions"].is_null()) return std::nullopt;
    const auto& d = body["dimensions"];
    if (!d.is_number_unsigned() || d.get<std::uint64_t>() == 0 || d.get<std::uint64_t>() > 8192) {
        return "dimensions must be an integer between 1 and 8192";
    }
    dims = d.get<std::size_t>();
    return std::nullopt;
}

// `input`: a string or an array of strings (token arrays are not taken, as in Ollama).
bool read_inputs(const json& in, std::vector<std::string>& out) {
    if (in.is_string()) {
        out.push_back(in.get<std::string>());
        return true;
    }
    if (!in.is_array() ||
        !std::all_of(in.begin(), in.end(), [](const json& x) { return x.is_string(); })) {
        return false;
    }
    for (const auto& x : in) out.push_back(x.get<std::string>());
    return true;
}

// OpenAI's "base64" encoding: the float32 values' little-endian bytes, base64-encoded.
std::string base64_floats(const std::vector<float>& v) {
    std::string bytes(v.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), v.data(), bytes.size());  // x86-64 and arm64: little-endian
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::int64_t prompt_tokens_of(const std::vector<std::string>& inputs) {
    std::int64_t n = 0;
    for (const auto& s : inputs) n += count_prompt_tokens(s);
    return n;
}

}  // namespace

std::optional<std::vector<std::vector<float>>> Api::embed_all(
    const std::string& name, const std::vector<std::string>& inputs, std::size_t dims) {
    {
        std::lock_guard lock(mutex_);
        const ModelInfo* m = find_model(name);
        if (m == nullptr) return std::nullopt;
        loaded_[m->name] = common::wall_micros();
    }
    std::vector<std::vector<float>> out;
    out.reserve(inputs.size());
    for (const auto& s : inputs) out.push_back(embed_text(s, dims));
    return out;
}

Reply Api::embed(const HttpRequest& req, bool legacy) {
    const auto t0 = common::SteadyClock::now();
    json body;
    if (auto err = parse_body(req.body, body)) return ollama_error(400, *err);
    const char* go_type = legacy ? "EmbeddingRequest" : "EmbedRequest";
    std::string name;
    if (auto err = require_model(body, go_type, name)) return ollama_error(400, *err);
    std::size_t dims = kDefaultDims;
    if (auto err = read_dimensions(body, dims)) return ollama_error(400, *err);
    std::vector<std::string> inputs;
    const char* field = legacy ? "prompt" : "input";
    if (body.contains(field) && !body[field].is_null()) {
        const auto& in = body[field];
        if (legacy ? !in.is_string() : !read_inputs(in, inputs)) {
            return ollama_error(
                400, legacy ? type_error(go_type, field, in, "string") : "invalid input type");
        }
        if (legacy) inputs.push_back(in.get<std::string>());
    }
    const auto vectors = embed_all(name, inputs, dims);
    if (!vectors) return ollama_error(404, "model '" + name + "' not found");
    if (legacy)
        return json_reply({{"embedding", inputs.empty() ? std::vector<float>{} : (*vectors)[0]}});
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(common::SteadyClock::now() - t0)
            .count();
    return json_reply({{"model", name},
                       {"embeddings", *vectors},
                       {"total_duration", std::max<std::int64_t>(ns, 1)},
                       {"load_duration", std::max<std::int64_t>(ns / 10, 1)},
                       {"prompt_eval_count", prompt_tokens_of(inputs)}});
}

Reply Api::openai_embeddings(const HttpRequest& req) {
    auto fail = [](int status, std::string_view message) {
        return Reply{http_openai_error(status, message), false};
    };
    json body;
    if (auto err = parse_body(req.body, body)) return fail(400, *err);
    std::string name;
    if (auto err = require_model(body, "EmbedRequest", name)) return fail(400, *err);
    std::size_t dims = kDefaultDims;
    if (auto err = read_dimensions(body, dims)) return fail(400, *err);
    std::vector<std::string> inputs;
    if (!body.contains("input") || !read_inputs(body["input"], inputs)) {
        return fail(400, "invalid input: expected a string or an array of strings");
    }
    if (inputs.empty()) return fail(400, "invalid input: no input given");
    std::string format = "float";
    if (body.contains("encoding_format") && !body["encoding_format"].is_null()) {
        const auto& f = body["encoding_format"];
        format = f.is_string() ? f.get<std::string>() : std::string();
    }
    if (format != "float" && format != "base64") {
        return fail(400, "invalid encoding_format: expected \"float\" or \"base64\"");
    }
    const auto vectors = embed_all(name, inputs, dims);
    if (!vectors) return fail(404, "model '" + name + "' not found");
    json data = json::array();
    for (std::size_t i = 0; i < vectors->size(); ++i) {
        json e = {{"object", "embedding"}, {"index", i}};
        e["embedding"] =
            format == "base64" ? json(base64_floats((*vectors)[i])) : json((*vectors)[i]);
        data.push_back(std::move(e));
    }
    const auto tokens = prompt_tokens_of(inputs);
    return json_reply({{"object", "list"},
                       {"data", data},
                       {"model", name},
                       {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
}

}  // namespace mock_ollama
