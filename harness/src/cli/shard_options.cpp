#include "cli/shard_options.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace harness::cli {

namespace {

// Plain decimal digits up to `hi`: no sign, no space, no overflow.
std::optional<std::uint64_t> decimal(std::string_view s, std::uint64_t hi) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > hi) return std::nullopt;
    return v;
}

std::string max_text() {
    return std::to_string(kMaxShards);
}

// GitLab's pair: both or neither; N from CI_NODE_TOTAL (a --shard-count must agree).
Shard from_gitlab(const std::string& index, const std::string& total, std::uint64_t shard_count) {
    const auto n = decimal(total, kMaxShards);
    if (!n || *n == 0) {
        throw std::invalid_argument("--shard auto: CI_NODE_TOTAL='" + total +
                                    "' is not a shard count 1.." + max_text());
    }
    const auto i = decimal(index, *n);
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
    const auto i = decimal(index, shard_count - 1);
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
    const auto slash = text.find('/');
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument("--shard: '" + std::string(text) + "': " + why);
    };
    if (slash == std::string_view::npos) {
        throw bad("expected I/N (this shard's number I of N shards, 1-based, e.g. 1/4) or auto");
    }
    const auto n = decimal(text.substr(slash + 1), kMaxShards);
    if (!n || *n == 0) throw bad("N must be a whole number 1.." + max_text());
    const auto i = decimal(text.substr(0, slash), kMaxShards);
    if (!i || *i == 0 || *i > *n) {
        throw bad("I must be a whole number 1.." + std::to_string(*n) +
                  " (shards are numbered from 1)");
    }
    return {*i, *n};
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
