// reports::merge_runs: the inputs checked as a set, scenarios matched by name across them and
// each checked against the partition the shards were given, merged, and the run put around.
#include "reports/merge.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "merge/parts.hpp"

namespace reports {

namespace {

using merge_detail::Labeled;
using merge_detail::Part;
using nlohmann::json;

struct Named {
    std::string name;
    std::vector<Part> parts;
};

// Every scenario's parts, in order of first appearance (inputs in shard order).
std::vector<Named> by_name(const std::vector<Labeled>& inputs) {
    std::vector<Named> out;
    std::map<std::string, std::size_t, std::less<>> index;
    for (const auto& in : inputs) {
        for (const auto& s : in.input->report.scenarios) {
            const auto [it, fresh] = index.try_emplace(s.name, out.size());
            if (fresh) out.push_back({s.name, {}});
            out[it->second].parts.push_back({&s, &in});
        }
    }
    return out;
}

// A scenario split by clients is run by every shard; one given whole to a shard by exactly
// one. Either way a shard's report that lacks or repeats it is not this run's.
void check_partition(const Named& n, const std::vector<Labeled>& inputs) {
    std::string by;
    for (const auto& p : n.parts) {
        const auto s = merge_detail::shard_extra(p);
        if (s.present && !s.by.empty()) by = s.by;
    }
    if (by == "scenario" && n.parts.size() > 1) {
        throw std::invalid_argument(merge_detail::where(n.parts[1], "extra.shard.by") +
                                    ": \"scenario\" (run whole by one shard), but " +
                                    n.parts[0].from->input->dir + " ran it too");
    }
    if (by != "clients") return;
    for (const auto& in : inputs) {
        const auto count = std::count_if(n.parts.begin(), n.parts.end(),
                                         [&](const Part& p) { return p.from == &in; });
        if (count != 1) {
            throw std::invalid_argument(in.input->dir + ": scenarios[" + n.name +
                                        "]: " + (count == 0 ? "missing" : "more than once") +
                                        ", but the scenario is split by clients over every "
                                        "shard (" +
                                        in.label + " must run it once)");
        }
    }
}

// The run's options: the first input's, with what the merge changes.
json merged_options(const std::vector<Labeled>& inputs) {
    const json& first = inputs.front().input->report.options;
    json out = first.is_object() ? first : json::object();
    json dirs = json::array();
    double cpu = 0;
    std::uint64_t tokens = 0;
    for (const auto& in : inputs) {
        dirs.push_back(in.input->dir);
        const json& o = in.input->report.options;
        if (!o.is_object()) continue;
        if (const auto c = o.find("harness_cpu_s"); c != o.end() && c->is_number()) {
            cpu += c->get<double>();
        }
        if (const auto t = o.find("tokens_received"); t != o.end() && t->is_number_unsigned()) {
            tokens += t->get<std::uint64_t>();
        }
    }
    if (inputs.front().shard_count != 0) {
        out["shard"] = "merged " + std::to_string(inputs.front().shard_count);
    } else {
        out["merged_runs"] = inputs.size();
    }
    out["merged_from"] = std::move(dirs);
    if (out.contains("harness_cpu_s")) out["harness_cpu_s"] = cpu;
    if (out.contains("tokens_received")) out["tokens_received"] = tokens;
    return out;
}

}  // namespace

RunReport merge_runs(std::vector<MergeInput> inputs) {
    const std::vector<Labeled> labeled = merge_detail::check_inputs(inputs);
    RunReport out;
    out.tool_version = labeled.front().input->report.tool_version;
    out.started_at = labeled.front().input->report.started_at;
    for (const auto& in : labeled) {
        const RunReport& r = in.input->report;
        if (!r.started_at.empty() && (out.started_at.empty() || r.started_at < out.started_at)) {
            out.started_at = r.started_at;
        }
        // Shards run side by side; independent runs one after another.
        out.seconds =
            in.shard_count != 0 ? std::max(out.seconds, r.seconds) : out.seconds + r.seconds;
    }
    out.options = merged_options(labeled);
    for (const auto& n : by_name(labeled)) {
        if (labeled.front().shard_count != 0) check_partition(n, labeled);
        out.scenarios.push_back(merge_detail::merge_scenario(n.parts));
    }
    return out;
}

}  // namespace reports
