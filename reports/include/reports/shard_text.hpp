#pragma once
// A shard's name, "I/N": shard I of N, 1-based like Playwright's --shard=1/4 and GitLab's
// CI_NODE_INDEX. One reader for both places that read it: `mcp-harness run --shard` and the
// options.shard of a shard's report.json, which `merge` checks.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace reports {

// More shards than this is a typo, not a cluster (a client per shard at the largest scenario).
inline constexpr std::size_t kMaxShards = 100'000;

struct ShardNumber {
    std::size_t index = 1, count = 1;
    bool operator==(const ShardNumber&) const = default;
};

// Plain decimal digits, at most `hi`: no sign, no space, no overflow (also how the CI
// variables that name a shard are read).
std::optional<std::uint64_t> shard_decimal(std::string_view text, std::uint64_t hi);

// "I/N" with 1 <= I <= N <= kMaxShards, or why not: "expected I/N (…)", "N must be a whole
// number 1..100000", "I must be a whole number 1..N (shards are numbered from 1)".
std::variant<ShardNumber, std::string> read_shard_text(std::string_view text);

}  // namespace reports
