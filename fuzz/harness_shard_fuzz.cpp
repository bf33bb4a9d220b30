// Bytes -> `run --shard` and `--start-at`: parse_shard, resolve_shard (the bytes also give
// the environment's JOB_COMPLETION_INDEX / CI_NODE_INDEX / CI_NODE_TOTAL), and the RFC 3339
// reader it uses (common::parse_rfc3339_us). Each refuses with std::invalid_argument or returns a
// value that holds: 1 <= I <= N <= kMaxShards and "I/N" read back to the same shard; a time written
// back by the harness reads as the same instant. A crash, UB, another exception or a broken
// invariant is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>

#include "cli/shard_options.hpp"
#include "common/clock.hpp"

namespace {

void check_shard(const harness::Shard& s) {
    if (s.index < 1 || s.index > s.count || s.count > harness::cli::kMaxShards) std::abort();
    if (!(harness::cli::parse_shard(s.text()) == s)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::map<std::string, std::string> env;
    for (const char* name : {"JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "CI_NODE_TOTAL"}) {
        if (in.ConsumeBool()) env[name] = in.ConsumeRandomLengthString(24);
    }
    const auto count = in.ConsumeIntegralInRange<std::uint64_t>(0, 200'000);
    const bool automatic = in.ConsumeBool();
    const std::string text = in.ConsumeRemainingBytesAsString();
    try {
        check_shard(harness::cli::parse_shard(text));
    } catch (const std::invalid_argument&) {
    }
    try {
        const auto lookup = [&env](const char* name) -> std::optional<std::string> {
            const auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        const auto s = harness::cli::resolve_shard(automatic ? "auto" : text, count, lookup);
        if (s) check_shard(*s);
    } catch (const std::invalid_argument&) {
    }
    try {
        const auto us = common::parse_rfc3339_us(text);
        if (us >= 0 && common::parse_rfc3339_us(common::rfc3339_micros(us)) != us) std::abort();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
