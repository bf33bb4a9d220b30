#pragma once
// `run --shard I/N | auto` and `--shard-count N`, read into a harness::Shard. Pure functions:
// the environment comes in as a lookup, so the tests give Kubernetes' and GitLab's variables
// without touching the process's own.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/shard.hpp"
#include "reports/shard_text.hpp"

namespace harness::cli {

// The most shards a run can be split into (reports/shard_text.hpp reads every "I/N").
inline constexpr std::size_t kMaxShards = reports::kMaxShards;

// "I/N" with 1 <= I <= N <= kMaxShards, plain decimal digits; std::invalid_argument naming
// --shard and what is wrong otherwise.
Shard parse_shard(std::string_view text);

// An environment variable's value, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// --shard as given ("" none, "auto", "I/N") and --shard-count (0: not given) to the shard this
// process runs, or nullopt for an unsharded run. "auto" reads JOB_COMPLETION_INDEX (0-based,
// Kubernetes Indexed Job; N from --shard-count), else CI_NODE_INDEX / CI_NODE_TOTAL (GitLab
// `parallel:`). Throws std::invalid_argument naming the option or variable.
std::optional<Shard> resolve_shard(const std::string& given, std::uint64_t shard_count,
                                   const EnvLookup& env);

// The process's own environment (std::getenv).
EnvLookup process_env();

}  // namespace harness::cli
