#include "shard/shard_report.hpp"

#include "harness/shard.hpp"

namespace harness {

using nlohmann::json;

json shard_extra(const Scenario& sc, const ScenarioRun& run) {
    const Shard shard = sc.shard.value_or(Shard{});
    const auto clients = clients_to_run(sc);
    json indices = json::array();
    for (std::size_t i = 0; i < clients.size() && i < kListedClientIndices; ++i) {
        indices.push_back(clients[i]);
    }
    std::uint64_t tokens = 0;
    for (const auto& st : run.steps) tokens += st.call.token_count;
    json out = {
        {"index", shard.index},
        {"count", shard.count},
        {"by", sc.shard_by == ShardBy::clients ? "clients" : "scenario"},
        {"clients", clients.size()},
        {"client_indices", indices},
        {"window", {{"start_wall_us", run.started_wall_us}, {"end_wall_us", run.ended_wall_us}}},
        {"tokens", tokens}};
    if (run.mock_clock) {
        out["clock"] = {{"peer", run.mock_clock->peer},
                        {"offset_us", run.mock_clock->offset_us},
                        {"uncertainty_us", run.mock_clock->uncertainty_us},
                        {"samples", run.mock_clock->samples}};
    }
    if (run.start_late_us) out["start_late_us"] = *run.start_late_us;
    return out;
}

}  // namespace harness
