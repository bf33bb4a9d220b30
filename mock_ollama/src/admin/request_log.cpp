#include "mock_ollama/request_log.hpp"

#include <algorithm>

#include "common/clock.hpp"

namespace mock_ollama {

void RequestRecord::set_tokens(Tokens tokens) {
    std::lock_guard lock(mutex_);
    tokens_ = std::move(tokens);
    if (!kept) return;
    // Reserved once: no allocation per token emitted.
    emitted_us_.reserve(tokens_.size());
    scheduled_us_.reserve(tokens_.size());
}

void RequestRecord::add_token(std::int64_t wall_us, std::int64_t scheduled_us) {
    if (!kept) return;
    std::lock_guard lock(mutex_);
    emitted_us_.push_back(wall_us);
    scheduled_us_.push_back(scheduled_us);
}

void RequestRecord::finish(int status, std::string outcome, std::string done_reason) {
    std::lock_guard lock(mutex_);
    if (outcome_ != "in_progress") return;  // first ending wins
    status_ = status;
    outcome_ = std::move(outcome);
    done_reason_ = std::move(done_reason);
}

void RequestRecord::set_turn(std::size_t thinking_tokens, nlohmann::json tool_calls) {
    std::lock_guard lock(mutex_);
    thinking_tokens_ = thinking_tokens;
    tool_calls_ = std::move(tool_calls);
}

nlohmann::json RequestRecord::to_json(bool with_tokens) const {
    nlohmann::json j = {
        {"id", id},
        {"method", method},
        {"path", path},
        {"endpoint", endpoint},
        {"model", model},
        {"stream", stream},
        {"prompt", prompt},
        {"fault", fault},
        {"received_us", received_us},
        {"received_at", common::rfc3339_micros(received_us)},
        {"options", options.is_null() ? nlohmann::json::object() : options},
    };
    std::lock_guard lock(mutex_);
    j["status"] = status_;
    j["outcome"] = outcome_;
    j["done_reason"] = done_reason_;
    j["token_count"] = emitted_us_.size();
    if (thinking_tokens_ > 0) j["thinking_tokens"] = thinking_tokens_;
    if (tool_calls_.is_array() && !tool_calls_.empty()) j["tool_calls"] = tool_calls_;
    if (with_tokens) {
        std::string text;
        auto arr = nlohmann::json::array();
        // Only the emitted tokens that are known: add_token before set_tokens reads none.
        const std::size_t known = std::min(emitted_us_.size(), tokens_.size());
        for (std::size_t i = 0; i < known; ++i) {
            text += tokens_[i];
            arr.push_back({{"i", i},
                           {"text", tokens_[i]},
                           {"t_us", emitted_us_[i]},
                           {"scheduled_us", scheduled_us_[i]}});
        }
        j["text"] = text;
        j["tokens"] = std::move(arr);
    }
    return j;
}

void RequestLog::add(const std::shared_ptr<RequestRecord>& record) {
    std::lock_guard lock(mutex_);
    record->id = next_id_++;
    record->kept = limit_ != 0;
    if (limit_ == 0) return;
    records_.push_back(record);
    while (records_.size() > limit_) records_.pop_front();
}

nlohmann::json RequestLog::snapshot(std::uint64_t since, std::size_t limit,
                                    bool with_tokens) const {
    LogQuery q;
    q.since = since;
    q.limit = limit;
    q.tokens = with_tokens;
    return snapshot(q);
}

nlohmann::json RequestLog::snapshot(const LogQuery& q) const {
    std::vector<std::shared_ptr<RequestRecord>> after;
    {
        std::lock_guard lock(mutex_);
        for (const auto& r : records_) {
            if (r->id > q.since) after.push_back(r);
            if (q.prompt_lines.empty() && after.size() >= q.limit) break;
        }
    }
    // The filter runs outside the lock (a record's prompt is set before it is shared): a
    // long filter does not hold up the generations logging their tokens.
    auto arr = nlohmann::json::array();
    for (const auto& r : after) {
        if (arr.size() >= q.limit) break;
        if (q.wants(r->prompt)) arr.push_back(r->to_json(q.tokens));
    }
    return {{"requests", std::move(arr)}};
}

std::uint64_t RequestLog::last_id() const {
    std::lock_guard lock(mutex_);
    return next_id_ - 1;
}

void RequestLog::reset() {
    std::lock_guard lock(mutex_);
    records_.clear();
}

}  // namespace mock_ollama
