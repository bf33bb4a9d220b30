// A merged scenario's extra: where each part came from and how far its clock was from the
// mock's, the common window, and the totals the harness keeps there, summed.
#include <algorithm>
#include <cmath>

#include "merge/parts.hpp"

namespace reports::merge_detail {

namespace {

using nlohmann::json;

// The part's row of extra.shards: its extra.shard as written, with its dir and label.
json shard_row(const Part& p) {
    const json& extra = p.scenario->extra;
    json row = extra.is_object() && extra.contains("shard") ? extra["shard"] : json::object();
    row["dir"] = p.from->input->dir;
    row["label"] = p.from->label;
    return row;
}

}  // namespace

json merge_extra(const std::vector<Part>& parts) {
    const json& first = parts.front().scenario->extra;
    json out = first.is_object() ? first : json::object();
    out.erase("shard");
    out.erase("cpu_during_clients");  // one process's figure, not the merged run's
    json shards = json::array();
    json calls = json::array();
    std::uint64_t tokens = 0;
    std::size_t clients = 0;
    bool all_clients = true;
    std::optional<double> skew;
    for (const auto& p : parts) {
        const ShardExtra s = shard_extra(p);
        shards.push_back(shard_row(p));
        const json& extra = p.scenario->extra;
        if (extra.is_object()) {
            const auto t = extra.find("tokens_received");
            if (t != extra.end() && t->is_number_unsigned()) tokens += t->get<std::uint64_t>();
            const auto c = extra.find("calls");
            if (c != extra.end() && c->is_array()) calls.insert(calls.end(), c->begin(), c->end());
        }
        if (s.clients) clients += *s.clients;
        all_clients = all_clients && s.clients.has_value();
        if (s.clock) {
            skew =
                std::max(skew.value_or(0), std::fabs(s.clock->offset_us) + s.clock->uncertainty_us);
        }
    }
    out["shards"] = std::move(shards);
    if (out.contains("calls")) out["calls"] = std::move(calls);
    if (out.contains("tokens_received")) out["tokens_received"] = tokens;
    if (all_clients) out["clients"] = clients;
    if (skew) out["skew_bound_us"] = *skew;
    if (const auto w = common_window(parts)) {
        out["window"] = {{"start_wall_us", w->start_us}, {"end_wall_us", w->end_us}};
    }
    return out;
}

}  // namespace reports::merge_detail
