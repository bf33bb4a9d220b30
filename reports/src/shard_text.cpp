#include "reports/shard_text.hpp"

#include <charconv>

namespace reports {

std::optional<std::uint64_t> shard_decimal(std::string_view text, std::uint64_t hi) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > hi) return std::nullopt;
    return v;
}

std::variant<ShardNumber, std::string> read_shard_text(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return std::string("expected I/N (this shard's number I of N shards, 1-based, e.g. 1/4)");
    }
    const auto n = shard_decimal(text.substr(slash + 1), kMaxShards);
    if (!n || *n == 0) return "N must be a whole number 1.." + std::to_string(kMaxShards);
    const auto i = shard_decimal(text.substr(0, slash), *n);
    if (!i || *i == 0) {
        return "I must be a whole number 1.." + std::to_string(*n) +
               " (shards are numbered from 1)";
    }
    return ShardNumber{*i, *n};
}

}  // namespace reports
