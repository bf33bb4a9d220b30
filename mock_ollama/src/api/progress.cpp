#include "api/progress.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/rng.hpp"

namespace mock_ollama {

using nlohmann::ordered_json;

namespace {

// Progress lines per layer for the weights; small layers arrive in one line.
constexpr int kWeightSteps = 10;

std::string status(std::string_view text) {
    return ordered_json{{"status", text}}.dump();
}

// Ollama names a layer in a status by the first 12 hex digits after "sha256:".
std::string short_digest(const std::string& digest) {
    return digest.substr(7, 12);
}

std::string transfer(std::string_view verb, const Layer& layer, std::int64_t completed) {
    ordered_json j;
    j["status"] = std::string(verb) + " " + short_digest(layer.digest);
    j["digest"] = layer.digest;
    j["total"] = layer.size;
    j["completed"] = completed;
    return j.dump();
}

// A layer's lines with `completed` advancing to `total`.
void append_transfer(std::vector<std::string>& out, std::string_view verb, const Layer& layer) {
    const int steps = layer.size > 1'000'000 ? kWeightSteps : 1;
    for (int k = 1; k <= steps; ++k) out.push_back(transfer(verb, layer, layer.size * k / steps));
}

}  // namespace

std::string model_digest(std::string_view name) {
    char buf[17];
    std::uint64_t h = common::fnv1a64(name);
    std::string hex;
    for (int round = 0; round < 4; ++round) {
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        hex += buf;
        h = common::fnv1a64(hex, h);
    }
    return hex;
}

std::vector<Layer> layers_of(const ModelInfo& model) {
    return {{"sha256:" + model_digest(model.name + "#weights"), model.size},
            {"sha256:" + model_digest(model.name + "#template"), 1429},
            {"sha256:" + model_digest(model.name + "#params"), 96}};
}

std::vector<std::string> pull_lines(const ModelInfo& model) {
    std::vector<std::string> out{status("pulling manifest")};
    for (const auto& layer : layers_of(model)) append_transfer(out, "pulling", layer);
    for (auto s : {"verifying sha256 digest", "writing manifest", "success"}) {
        out.push_back(status(s));
    }
    return out;
}

std::vector<std::string> failed_pull_lines(std::string_view error) {
    return {status("pulling manifest"), ordered_json{{"error", error}}.dump()};
}

std::vector<std::string> push_lines(const ModelInfo& model) {
    std::vector<std::string> out{status("retrieving manifest")};
    for (const auto& layer : layers_of(model)) {
        ordered_json start{
            {"status", "starting upload"}, {"digest", layer.digest}, {"total", layer.size}};
        out.push_back(start.dump());
        append_transfer(out, "pushing", layer);
    }
    out.push_back(status("pushing manifest"));
    out.push_back(status("success"));
    return out;
}

std::vector<std::string> create_lines(const ModelInfo& model, bool from_files, bool system) {
    std::vector<std::string> out{status(from_files ? "parsing GGUF" : "reading model metadata")};
    if (system) out.push_back(status("creating system layer"));
    for (const auto& layer : layers_of(model)) {
        out.push_back(status("using already created layer " + layer.digest));
    }
    out.push_back(status("writing manifest"));
    out.push_back(status("success"));
    return out;
}

std::vector<std::chrono::nanoseconds> progress_offsets(std::size_t n, double time_scale) {
    std::vector<std::chrono::nanoseconds> out;
    out.reserve(n);
    const std::chrono::nanoseconds step = kProgressStep;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(common::scaled(step * static_cast<std::int64_t>(i), time_scale));
    }
    return out;
}

}  // namespace mock_ollama
