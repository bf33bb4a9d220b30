#include "cli/shard_options.hpp"

#include <cstdlib>
#include <stdexcept>
#include <variant>

#include "reports/shard_text.hpp"

namespace harness::cli {

namespace {

using reports::shard_decimal;

std::string max_text() {
    return std::to_string(kMaxShards);
}

// GitLab's pair: both or neither; N from CI_NODE_TOTAL (a --shard-count must agree).
Shard from_gitlab(const std::string& index, const std::string& total, std::uint64_t shard_count) {
    const auto n = shard_decimal(total, kMaxShards);
    if (!n || *n == 0) {
        throw std::invalid_argument("--shard auto: CI_NODE_TOTAL='" + total +
                                    "' is not a shard count 1.." + max_text());
    }
    const auto i = shard_decimal(index, *n);
    if (!i || *i == 0) {
        throw std::invalid_argument("--shard auto: CI_NODE_INDEX='" + index +
                                    "' is not a shard number 1.." + std::to_string(*n) +
                                    " (CI_NODE_TOTAL=" + total + ")");
    }
    if (shard_count != 0 && shard_count != *n) {
        throw std::invalid_argument("--shard-count " + std::to_string(shard_count) +
                                    " disagrees with CI_NODE_TOTAL=" + total);
    }
    return {*i, *n};
}

// Kubernetes Indexed Job: the 0-based completion index; N is the Job's completions, given.
Shard from_kubernetes(const std::string& index, std::uint64_t shard_count) {
    if (shard_count == 0) {
        throw std::invalid_argument(
            "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but "
            "--shard-count is not: give the Job's completions as --shard-count N");
    }
    const auto i = shard_decimal(index, shard_count - 1);
    if (!i) {
        throw std::invalid_argument("--shard auto: JOB_COMPLETION_INDEX='" + index +
                                    "' is not an index 0.." + std::to_string(shard_count - 1) +
                                    " (--shard-count " + std::to_string(shard_count) + ")");
    }
    return {*i + 1, shard_count};
}

Shard from_environment(std::uint64_t shard_count, const EnvLookup& env) {
    if (const auto k8s = env("JOB_COMPLETION_INDEX")) return from_kubernetes(*k8s, shard_count);
    const auto index = env("CI_NODE_INDEX");
    const auto total = env("CI_NODE_TOTAL");
    if (index && total) return from_gitlab(*index, *total, shard_count);
    if (index || total) {
        throw std::invalid_argument(std::string("--shard auto: ") +
                                    (index ? "CI_NODE_INDEX is set but CI_NODE_TOTAL is not"
                                           : "CI_NODE_TOTAL is set but CI_NODE_INDEX is not"));
    }
    throw std::invalid_argument(
        "--shard auto: none of JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with "
        "--shard-count N) or CI_NODE_INDEX and CI_NODE_TOTAL (GitLab parallel:) is set; "
        "elsewhere give --shard I/N");
}

}  // namespace

Shard parse_shard(std::string_view text) {
    const auto read = reports::read_shard_text(text);
    if (const auto* why = std::get_if<std::string>(&read)) {
        throw std::invalid_argument("--shard: '" + std::string(text) + "': " + *why +
                                    (text.find('/') == std::string_view::npos ? " or auto" : ""));
    }
    const auto& shard = std::get<reports::ShardNumber>(read);
    return {shard.index, shard.count};
}

std::optional<Shard> resolve_shard(const std::string& given, std::uint64_t shard_count,
                                   const EnvLookup& env) {
    if (shard_count > kMaxShards) {
        throw std::invalid_argument("--shard-count: must be 1.." + max_text());
    }
    if (given == "auto") return from_environment(shard_count, env);
    if (shard_count != 0) {
        throw std::invalid_argument(
            "--shard-count goes with --shard auto (--shard I/N names N itself)");
    }
    if (given.empty()) return std::nullopt;
    return parse_shard(given);
}

EnvLookup process_env() {
    return [](const char* name) -> std::optional<std::string> {
        const char* v = std::getenv(name);
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

}  // namespace harness::cli
