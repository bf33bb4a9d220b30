#pragma once
// The status lines of Ollama's model-transfer endpoints (/api/pull, /api/push, /api/create)
// and their pace: what a client's progress bar reads. Pure functions; Api plays the lines as
// a Generation of kind `progress`, on the clock that paces tokens.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "mock_ollama/config.hpp"

namespace mock_ollama {

// Between two status lines at --time-scale 1 (a pull of the default model: about 1.5 s).
inline constexpr std::chrono::milliseconds kProgressStep{100};

// A stable 64-hex-digit digest for `name` (what /api/tags, /api/ps and the layers show).
std::string model_digest(std::string_view name);

// One layer of a model as the transfer endpoints show it.
struct Layer {
    std::string digest;  // "sha256:<64 hex>"
    std::int64_t size = 0;
};
// The model's weights, then its template and parameters, as Ollama's manifests list them.
std::vector<Layer> layers_of(const ModelInfo& model);

// "pulling manifest", "pulling <12 hex>" lines with digest/total/completed advancing,
// "verifying sha256 digest", "writing manifest", "success".
std::vector<std::string> pull_lines(const ModelInfo& model);
// The same up to "pulling manifest", then Ollama's error line for a manifest that is not there.
std::vector<std::string> failed_pull_lines(std::string_view error);
// "retrieving manifest", "starting upload"/"pushing <12 hex>" per layer, "pushing manifest",
// "success".
std::vector<std::string> push_lines(const ModelInfo& model);
// "reading model metadata" (from a model) or "parsing GGUF" (from files), "creating system
// layer" when a system prompt is given, "using already created layer" per layer, "writing
// manifest", "success".
std::vector<std::string> create_lines(const ModelInfo& model, bool from_files, bool system);

// When each of `n` lines goes out, from the request's arrival, scaled by `time_scale`.
std::vector<std::chrono::nanoseconds> progress_offsets(std::size_t n, double time_scale);

}  // namespace mock_ollama
