#pragma once
// One shard of a run spread over N harness processes (`run --shard I/N`): which scenarios it
// runs and, of a scenario split by clients ("shard_by": "clients"), which clients. Client k
// belongs to shard (k mod N) + 1 and keeps its global index k, so it keeps its own patient and
// no two shards ever work on the same one. Pure functions: the CLI, the runner and the tests
// share them.
#include <cstddef>
#include <string>
#include <vector>

namespace harness {

struct Scenario;

// Shard `index` of `count`, 1-based like Playwright's --shard=1/4 and GitLab's CI_NODE_INDEX.
struct Shard {
    std::size_t index = 1, count = 1;
    std::string text() const;  // "2/4"
    bool operator==(const Shard&) const = default;
};

// The client indices k < clients with k mod count == index - 1, ascending.
std::vector<std::size_t> shard_clients(std::size_t clients, const Shard& shard);

// The clients this run of `scenario` drives: its shard's share when it is split by clients
// and sharded, else all of them (0 .. clients-1).
std::vector<std::size_t> clients_to_run(const Scenario& scenario);

// The scenarios shard `shard` runs, in load order, each with Scenario::shard set: every
// scenario split by clients that has at least one client for this shard, and the j-th other
// scenario (0-based) when j mod count == index - 1.
std::vector<Scenario> shard_scenarios(const std::vector<Scenario>& all, const Shard& shard);

}  // namespace harness
