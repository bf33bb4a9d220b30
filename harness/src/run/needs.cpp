#include "harness/needs.hpp"

#include <sched.h>

#include <algorithm>

#include "harness/proc_stats.hpp"
#include "harness/shard.hpp"

namespace harness {

namespace {

// A whole run's `need` split `count` ways, rounded up; "clients / N" for every shard alike,
// so that the count suggested below is the one the check then accepts.
std::uint64_t share(std::uint64_t need, std::uint64_t count) {
    return (need + count - 1) / count;
}

Needs per_shard(const Needs& whole, std::uint64_t count) {
    return {share(whole.cores, count), share(whole.fds, count)};
}

bool fits(const Needs& n, const MachineFacts& m) {
    return n.cores <= m.cores && n.fds <= m.fds;
}

// The fewest shards whose share fits `m` (0 when none can: it would take more shards than
// the scenario has clients, or a machine without a core or a file).
std::uint64_t shards_that_fit(const Scenario& sc, const MachineFacts& m) {
    const auto at_least = [](std::uint64_t need, std::uint64_t have) -> std::uint64_t {
        if (need == 0) return 1;
        return have == 0 ? UINT64_MAX : (need + have - 1) / have;
    };
    const std::uint64_t n =
        std::max(at_least(sc.needs.cores, m.cores), at_least(sc.needs.fds, m.fds));
    return n <= sc.clients ? n : 0;
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "3 cores and 2100 fds" of the stated ones.
std::string needs_text(const Needs& n) {
    std::string out;
    if (n.cores) out = plural(n.cores, "core", "cores");
    if (n.fds) out += (out.empty() ? "" : " and ") + plural(n.fds, "fd", "fds");
    return out;
}

std::string machine_text(const Needs& n, const MachineFacts& m) {
    std::string out;
    if (n.cores) out = plural(m.cores, "core", "cores");
    if (n.fds) out += (out.empty() ? "" : " and ") + plural(m.fds, "fd", "fds") + " (ulimit -n)";
    return out;
}

}  // namespace

MachineFacts this_machine() {
    MachineFacts m;
    cpu_set_t set;
    CPU_ZERO(&set);
    const int allowed = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    m.cores = allowed > 0 ? static_cast<std::uint64_t>(allowed) : online_cpus();
    m.fds = raise_fd_limit();
    return m;
}

Needs needs_here(const Scenario& sc) {
    // A scenario that is not split by clients runs whole on the one shard that has it.
    const bool split = sc.shard && sc.shard_by == ShardBy::clients;
    return per_shard(sc.needs, split ? sc.shard->count : 1);
}

std::string needs_problem(const Scenario& sc, const MachineFacts& m) {
    const Needs here = needs_here(sc);
    if (fits(here, m)) return {};
    const std::uint64_t mine = clients_to_run(sc).size();
    std::string text = sc.name + " needs " + needs_text(here);
    if (sc.shard) {
        text += " for shard " + sc.shard->text() + " (" + std::to_string(mine) + " of " +
                std::to_string(sc.clients) + " clients)";
    } else {
        text += " (" + plural(sc.clients, "client", "clients") + ")";
    }
    text += "; this machine has " + machine_text(here, m) + ": ";
    if (sc.shard_by != ShardBy::clients) {
        return text + "it runs whole on one machine (\"shard_by\": \"scenario\"), so it " +
               "needs a larger one";
    }
    if (const std::uint64_t count = shards_that_fit(sc, m); count > 1) {
        return text + "run it as --shard I/" + std::to_string(count) + " on " +
               std::to_string(count) + " machines like this one (I = 1.." + std::to_string(count) +
               "; see docs/scale-out.md)";
    }
    return text + "no split of its clients fits this machine (raise ulimit -n, or use larger " +
           "machines; see docs/scale-out.md)";
}

}  // namespace harness
