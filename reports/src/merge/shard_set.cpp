// The inputs of a merge checked as a set: each shard I of N exactly once, or independent runs
// only; the same tool version and time scale (and seed, for shards: one run split N ways).
#include <algorithm>
#include <map>
#include <stdexcept>
#include <variant>

#include "merge/parts.hpp"
#include "reports/shard_text.hpp"

namespace reports::merge_detail {

namespace {

using ShardId = ShardNumber;

[[noreturn]] void fail(const MergeInput& in, const std::string& field, const std::string& what) {
    throw std::invalid_argument(in.dir + ": " + field + ": " + what);
}

// options.shard: "I/N" with 1 <= I <= N, absent for a run that was not sharded.
std::optional<ShardId> shard_of(const MergeInput& in) {
    const auto& options = in.report.options;
    if (!options.is_object() || !options.contains("shard")) return std::nullopt;
    const auto& v = options["shard"];
    if (!v.is_string()) fail(in, "options.shard", "expected a string \"I/N\"");
    const std::string s = v.get<std::string>();
    if (s.starts_with("merged")) {
        fail(in, "options.shard",
             "\"" + s + "\": already a merged report; merge the shards' own reports");
    }
    const auto read = read_shard_text(s);
    if (const auto* why = std::get_if<std::string>(&read)) {
        fail(in, "options.shard", "\"" + s + "\" is not I/N with 1 <= I <= N: " + *why);
    }
    return std::get<ShardId>(read);
}

const nlohmann::json& option(const MergeInput& in, const char* key) {
    static const nlohmann::json absent;
    const auto& o = in.report.options;
    if (!o.is_object()) return absent;
    const auto it = o.find(key);
    return it == o.end() ? absent : *it;
}

// `key` as in the first input, or the input that differs named.
void same_option(const std::vector<MergeInput>& inputs, const char* key) {
    const auto& want = option(inputs.front(), key);
    for (const auto& in : inputs) {
        if (option(in, key) != want) {
            fail(in, std::string("options.") + key,
                 option(in, key).dump() + " but " + inputs.front().dir + " has " + want.dump() +
                     ": not parts of one run");
        }
    }
}

void same_version(const std::vector<MergeInput>& inputs) {
    for (const auto& in : inputs) {
        if (in.report.tool_version != inputs.front().report.tool_version) {
            fail(in, "tool_version",
                 "\"" + in.report.tool_version + "\" but " + inputs.front().dir + " has \"" +
                     inputs.front().report.tool_version + "\"");
        }
    }
}

std::vector<Labeled> shards(const std::vector<MergeInput>& inputs,
                            const std::vector<std::optional<ShardId>>& ids) {
    const std::size_t n = ids.front()->count;
    std::map<std::size_t, const MergeInput*> by_index;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& in = inputs[i];
        if (ids[i]->count != n) {
            fail(in, "options.shard",
                 std::to_string(ids[i]->index) + "/" + std::to_string(ids[i]->count) + " but " +
                     inputs.front().dir + " is one of " + std::to_string(n) + " shards");
        }
        const auto [it, fresh] = by_index.emplace(ids[i]->index, &in);
        if (!fresh) {
            fail(in, "options.shard",
                 "shard " + std::to_string(ids[i]->index) + "/" + std::to_string(n) + " is also " +
                     it->second->dir + ": each shard once");
        }
    }
    std::string missing;
    for (std::size_t i = 1; i <= n; ++i) {
        if (!by_index.contains(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
    }
    if (!missing.empty()) {
        throw std::invalid_argument("shard(s) " + missing + " of " + std::to_string(n) +
                                    " missing: give every shard's report folder (got " +
                                    std::to_string(inputs.size()) + ")");
    }
    std::vector<Labeled> out;
    for (const auto& [index, in] : by_index) {
        out.push_back({in, "shard " + std::to_string(index) + "/" + std::to_string(n), n});
    }
    return out;
}

}  // namespace

std::vector<Labeled> check_inputs(const std::vector<MergeInput>& inputs) {
    if (inputs.empty()) throw std::invalid_argument("no report to merge");
    std::vector<std::optional<ShardId>> ids;
    for (const auto& in : inputs) ids.push_back(shard_of(in));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (ids[i].has_value() != ids.front().has_value()) {
            const auto& unsharded = ids[i].has_value() ? inputs.front() : inputs[i];
            fail(unsharded, "options.shard",
                 "missing, but other inputs are shards: merge shards of one run, or "
                 "independent runs, not both");
        }
    }
    same_version(inputs);
    same_option(inputs, "time_scale");
    if (ids.front()) {
        same_option(inputs, "seed");
        return shards(inputs, ids);
    }
    std::vector<Labeled> out;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        out.push_back(
            {&inputs[i], "run " + std::to_string(i + 1) + "/" + std::to_string(inputs.size()), 0});
    }
    return out;
}

}  // namespace reports::merge_detail
