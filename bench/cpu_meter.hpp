#pragma once
// Where the machine's CPU went during a run: the mock, this process (the load client), and
// everything else. Other work on a shared 2-core machine (compilers, say) delays the mock's
// timers as surely as its own load does, so each run reports how much of it there was.
#include <sys/types.h>

namespace bench {

struct CpuSample {
    double machine_busy_s = 0;  // all CPUs, from /proc/stat (idle and iowait excluded)
    double mock_s = 0;          // user + system of the mock, from /proc/<pid>/stat
    double self_s = 0;          // user + system of this process, all threads
};

CpuSample sample_cpu(pid_t mock);

struct CpuShares {
    double mock_pct = 0, client_pct = 0, foreign_pct = 0;  // of all CPUs over the interval
};

// Shares of the machine's capacity (online CPUs x wall time) between two samples.
CpuShares cpu_shares(const CpuSample& before, const CpuSample& after, double wall_s);

}  // namespace bench
