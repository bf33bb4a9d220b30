#pragma once
// A scenario's "needs" (cores, open files) against the machine it is about to run on: a run
// that would only measure the harness's own shortage is refused before it starts, with the
// shard count that would fit (`run --shard I/N`, docs/scale-out.md). Pure given the machine's
// facts, so that tests inject them.
#include <cstdint>
#include <string>

#include "harness/scenario.hpp"

namespace harness {

struct MachineFacts {
    std::uint64_t cores = 1;  // CPUs this process may run on
    std::uint64_t fds = 0;    // RLIMIT_NOFILE, as raised by raise_fd_limit()
};

// This process's machine: sched_getaffinity's CPU count (a container's cpuset shows here),
// and the open-file limit after raising it to the hard limit.
MachineFacts this_machine();

// What this process's part of `scenario` needs: the whole run's needs over the shard count
// (--shard I/N: "clients / N"), rounded up; zero where the scenario states nothing.
Needs needs_here(const Scenario& scenario);

// "" when `machine` has what this part needs; else a message naming the scenario, what it
// needs, what the machine has and the shard count that fits.
std::string needs_problem(const Scenario& scenario, const MachineFacts& machine);

}  // namespace harness
