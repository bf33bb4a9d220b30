#include "harness/shard.hpp"

#include "harness/scenario.hpp"

namespace harness {

std::string Shard::text() const {
    return std::to_string(index) + "/" + std::to_string(count);
}

std::vector<std::size_t> shard_clients(std::size_t clients, const Shard& shard) {
    std::vector<std::size_t> out;
    if (shard.count == 0 || shard.index == 0) return out;
    out.reserve(clients / shard.count + 1);
    for (std::size_t k = shard.index - 1; k < clients; k += shard.count) out.push_back(k);
    return out;
}

std::vector<std::size_t> clients_to_run(const Scenario& sc) {
    if (sc.shard && sc.shard_by == ShardBy::clients) return shard_clients(sc.clients, *sc.shard);
    return shard_clients(sc.clients, Shard{});
}

std::vector<Scenario> shard_scenarios(const std::vector<Scenario>& all, const Shard& shard) {
    std::vector<Scenario> out;
    std::size_t whole = 0;  // scenarios dealt round-robin so far
    for (const auto& sc : all) {
        // Client index - 1 is the shard's first: fewer clients than that leaves it none.
        const bool mine = sc.shard_by == ShardBy::clients
                              ? sc.clients >= shard.index
                              : whole++ % shard.count == shard.index - 1;
        if (!mine) continue;
        out.push_back(sc);
        out.back().shard = shard;
    }
    return out;
}

}  // namespace harness
