#pragma once
// The mock's HTTP API, independent of sockets: a request goes in, and either a complete reply
// (bytes) or a generation plan (tokens, schedule, fault) comes out. The session layer then
// writes the reply or plays the plan on its timers. Unit tests drive this directly.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/log.hpp"
#include "mock_ollama/config.hpp"
#include "mock_ollama/fault.hpp"
#include "mock_ollama/request_log.hpp"
#include "mock_ollama/stats.hpp"
#include "mock_ollama/wire.hpp"

namespace mock_ollama {

struct HttpRequest {
    std::string method;  // upper case
    std::string target;  // path and query
    std::vector<Header> headers;
    std::string body;
    bool keep_alive = true;

    // Case-insensitive header lookup.
    std::optional<std::string_view> header(std::string_view name) const;
    std::string_view path() const;
    std::string_view query() const;
};

// A complete reply, written as is.
struct Reply {
    std::string bytes;
    bool close = false;
};

// A generation to play out over time.
struct Generation {
    ApiKind kind = ApiKind::generate;
    bool stream = true;
    std::string model;
    Tokens tokens;  // shared with record
    // tokens[0, thinking_tokens) are the model's thinking, sent as `thinking` (/v1:
    // `reasoning`) before the content.
    std::size_t thinking_tokens = 0;
    // When not empty, the last token stands for these calls: it goes out as one tool_calls
    // chunk instead of content, as Ollama sends a call once its parser has it whole.
    std::vector<ToolCall> tool_calls;
    std::vector<std::chrono::nanoseconds> offsets;  // from receipt of the request, scaled
    std::chrono::nanoseconds ttft{0};               // scaled, for the final metrics
    std::string done_reason = "stop";
    Fault fault;
    double time_scale = 1.0;  // for the fault's own durations
    std::int64_t prompt_eval_count = 1;
    std::vector<int> context;  // /api/generate only
    bool include_usage = false;
    std::string completion_id;
    bool keep_alive = true;
    std::shared_ptr<RequestRecord> record;
    // `progress` only: what the endpoint changes once its last line has gone out (a pulled
    // model joins the list when the pull succeeds, as in Ollama, not when it starts).
    std::function<void()> on_success;
};

using Outcome = std::variant<Reply, Generation>;

class Api {
  public:
    Api(const MockConfig& config, Stats& stats, RequestLog& log, common::Logger logger);

    // `received_wall_us` stamps the request in the log; never blocks.
    Outcome handle(const HttpRequest& request, std::int64_t received_wall_us);

    const MockConfig& config() const { return config_; }
    // Requests whose handler threw (answered 500 by the guard): a bug each; the fuzz targets
    // require it to stay 0.
    std::uint64_t internal_errors() const {
        return internal_errors_.load(std::memory_order_relaxed);
    }

  private:
    Outcome route(const HttpRequest& request, std::int64_t received_wall_us);
    std::optional<Outcome> route_models(const HttpRequest& request, std::int64_t received_wall_us);
    Outcome generation(const HttpRequest& request, ApiKind kind, std::int64_t received_wall_us);
    Reply tags() const;
    Reply show(const HttpRequest& request) const;
    Reply ps() const;
    Reply embed(const HttpRequest& request, bool legacy);
    Reply openai_models() const;

    // /v1/models/{id} and /v1/embeddings (api.cpp, embed_handlers.cpp).
    Reply openai_model(std::string_view id) const;
    Reply openai_embeddings(const HttpRequest& request);
    // /api/embed's vectors, one per input, from the model named `name` (marked loaded for
    // /api/ps); nullopt when there is no such model.
    std::optional<std::vector<std::vector<float>>> embed_all(const std::string& name,
                                                             const std::vector<std::string>& inputs,
                                                             std::size_t dims);

    // The model list as clients change it (model_admin.cpp): pull, push and create answer
    // with paced status lines, copy and delete at once, blobs by digest.
    Outcome pull(const HttpRequest& request, std::int64_t received_wall_us);
    Outcome push(const HttpRequest& request, std::int64_t received_wall_us);
    Outcome create(const HttpRequest& request, std::int64_t received_wall_us);
    Reply copy(const HttpRequest& request);
    Reply remove(const HttpRequest& request);
    Reply blob(const HttpRequest& request);
    Generation progress(const HttpRequest& request, std::string model,
                        std::vector<std::string> lines, bool stream, std::int64_t received_wall_us,
                        std::function<void()> on_success) const;
    // Adds `model`, or replaces the one of that name; false when the list is full. Under
    // mutex_ (taken here).
    bool add_model(const ModelInfo& model);
    Reply mock_requests(const HttpRequest& request) const;
    Reply mock_config(const HttpRequest& request);
    Reply mock_reset();

    // The configured model with this name ("phi" matches "phi:latest"), under mutex_.
    const ModelInfo* find_model(std::string_view name) const;

    MockConfig config_;
    const RuntimeConfig initial_runtime_;  // what POST /_mock/reset restores
    Stats& stats_;
    RequestLog& log_;
    common::Logger logger_;

    mutable std::mutex mutex_;                    // guards config_.runtime, loaded_ and blobs_
    std::map<std::string, std::int64_t> loaded_;  // model -> last use (wall us), for /api/ps
    std::set<std::string> blobs_;                 // "sha256:<hex>" pushed to /api/blobs
    std::atomic<std::uint64_t> internal_errors_{0};
};

}  // namespace mock_ollama
