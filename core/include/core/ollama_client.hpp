#pragma once
// The server's Ollama client: POST /api/generate over libcurl's multi socket interface on the
// server's Asio loop (no thread per request). Streams NDJSON by default, parsing lines
// incrementally (a line or a UTF-8 character may be split across reads); `stream: false` is
// available per call. Every failure becomes a specific error; callers never see a partial
// text presented as a result.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

namespace core {

struct OllamaConfig {
    std::string base_url = "http://127.0.0.1:11434";
    std::string model = "phi";
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds inactivity_timeout{120'000};  // no byte from Ollama this long
    std::chrono::milliseconds total_deadline{0};            // 0 = none
    std::size_t max_line = 1 << 20;                         // longest NDJSON line accepted
};

enum class OllamaError {
    none,
    unreachable,   // connect refused / DNS / connect timeout
    http_status,   // 4xx/5xx before the stream began
    error_line,    // {"error": ...} mid-stream
    malformed,     // a line that is not a JSON object, or an oversized line
    disconnected,  // connection ended before `done`
    timeout,       // inactivity timeout
    deadline,      // total deadline
    cancelled,
};
std::string_view to_string(OllamaError e);

struct OllamaResult {
    OllamaError error = OllamaError::none;
    std::string message;  // one clear line, empty on success
    int http_status = 0;
    std::string text;  // the complete response (only meaningful on success)
    std::string done_reason;
    std::size_t tokens = 0;  // token chunks received
    bool ok() const { return error == OllamaError::none; }
};

struct OllamaRequest {
    std::string prompt = {};
    std::string model = {};  // empty: the configured model
    bool stream = true;
    nlohmann::json options = nlohmann::json::object();
    // Flow control: with a limit, the upstream transfer pauses while the tokens passed to
    // `on_token` and not yet reported with consumed() cost more than this many bytes (each
    // token its size plus 256 for the work queued for it), and resumes once the consumer is
    // back under half of it. 0: no flow control.
    std::size_t max_unconsumed = 0;
};

class OllamaCall;

class OllamaClient {
  public:
    using OnToken = std::function<void(std::string_view token)>;
    using OnDone = std::function<void(OllamaResult)>;

    // All work, and every callback, runs on `strand`.
    OllamaClient(boost::asio::any_io_executor strand, OllamaConfig config);
    ~OllamaClient();

    // Starts a generation; `on_token` for each token as it arrives, then `on_done` exactly
    // once (also after cancel()). Callable from any thread.
    std::shared_ptr<OllamaCall> generate(OllamaRequest request, OnToken on_token, OnDone on_done);
    // Aborts the upstream request; `on_done` receives `cancelled`. Callable from any thread.
    void cancel(const std::shared_ptr<OllamaCall>& call);
    // With flow control: `bytes` of the tokens given to `on_token` are dealt with. Callable
    // from any thread.
    void consumed(const std::shared_ptr<OllamaCall>& call, std::size_t bytes);

    const OllamaConfig& config() const { return config_; }
    std::size_t active() const;

  private:
    class Impl;
    boost::asio::any_io_executor strand_;
    OllamaConfig config_;
    std::shared_ptr<Impl> impl_;
};

}  // namespace core
