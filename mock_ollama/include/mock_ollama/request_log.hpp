#pragma once
// The log behind GET /_mock/requests: each request, what was emitted and when (wall clock,
// microseconds), so a client on the same machine can compute its lag per token. Bounded:
// the oldest requests are dropped past the limit.
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_ollama/log_query.hpp"

namespace mock_ollama {

// The tokens of one generation, immutable once made and stored once: the stream that plays
// them and the request log that reports them share the same strings.
class Tokens {
  public:
    using const_iterator = std::vector<std::string>::const_iterator;

    Tokens() = default;
    explicit Tokens(std::vector<std::string> tokens)
        : tokens_(std::make_shared<const std::vector<std::string>>(std::move(tokens))) {}

    // Inline: the stream reads a token through here for each one it emits.
    const std::vector<std::string>& all() const { return tokens_ ? *tokens_ : kNone; }
    std::size_t size() const { return all().size(); }
    bool empty() const { return all().empty(); }
    const std::string& operator[](std::size_t i) const { return all()[i]; }
    const_iterator begin() const { return all().begin(); }
    const_iterator end() const { return all().end(); }
    bool operator==(const Tokens& other) const { return all() == other.all(); }

  private:
    inline static const std::vector<std::string> kNone;
    std::shared_ptr<const std::vector<std::string>> tokens_;
};

struct RequestRecord {
    // Set once when the request is routed, before the record is shared.
    std::uint64_t id = 0;
    std::string method, path, model, endpoint, prompt, fault;
    bool stream = false;
    std::int64_t received_us = 0;
    nlohmann::json options;
    // False when the log keeps no records (limit 0): emission times are then not kept.
    bool kept = true;

    // Updated while the request is served, under `mutex`.
    // The generation's tokens, before the first is emitted; the log reports those emitted.
    void set_tokens(Tokens tokens);
    // The next token was emitted (written) at wall_us; it was due at scheduled_us.
    void add_token(std::int64_t wall_us, std::int64_t scheduled_us);
    void finish(int status, std::string outcome, std::string done_reason = {});
    // How many of the tokens are thinking, and the tool calls the reply makes (Ollama's
    // shape), once planned; reported as "thinking_tokens" and "tool_calls" when there are any.
    void set_turn(std::size_t thinking_tokens, nlohmann::json tool_calls);
    nlohmann::json to_json(bool with_tokens) const;

  private:
    mutable std::mutex mutex_;
    int status_ = 0;
    std::string outcome_ = "in_progress";
    std::string done_reason_;
    std::size_t thinking_tokens_ = 0;
    nlohmann::json tool_calls_;
    Tokens tokens_;
    std::vector<std::int64_t> emitted_us_, scheduled_us_;  // one per token emitted so far
};

class RequestLog {
  public:
    explicit RequestLog(std::size_t limit) : limit_(limit) {}
    // Gives the record its id and keeps it (unless the log is disabled with limit 0).
    void add(const std::shared_ptr<RequestRecord>& record);
    // Requests with id > since, oldest first, at most `limit`.
    nlohmann::json snapshot(std::uint64_t since, std::size_t limit, bool with_tokens) const;
    // The same, filtered by the query's prompt lines (LogQuery::wants).
    nlohmann::json snapshot(const LogQuery& query) const;
    // The id the last request got (0: none yet); a reader that wants only what comes after
    // now reads this first and asks for ids after it (reset does not restart ids).
    std::uint64_t last_id() const;
    void reset();

  private:
    std::size_t limit_;
    mutable std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::deque<std::shared_ptr<RequestRecord>> records_;
};

}  // namespace mock_ollama
