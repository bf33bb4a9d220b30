#pragma once
// What a process (ours or a child) cost: CPU time and memory from /proc, the machine's busy
// time and load, and the file-descriptor limit a thousand connections need.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace harness {

struct CpuTimes {
    double user_s = 0;
    double system_s = 0;
    double total() const { return user_s + system_s; }
};

// utime and stime of a process (all its threads) from /proc/<pid>/stat.
std::optional<CpuTimes> process_cpu(pid_t pid);
// This process, all threads (getrusage RUSAGE_SELF).
CpuTimes self_cpu();
// Context switches (voluntary + involuntary) of all the process's threads: how often it
// slept and woke, which is what per-message costs on a busy loop mostly are.
std::optional<std::uint64_t> process_context_switches(pid_t pid);
// A "VmHWM"-style field of /proc/<pid>/status, in KiB.
std::optional<std::int64_t> process_status_kib(pid_t pid, std::string_view field);
// Busy CPU seconds of the whole machine, all CPUs (idle and iowait excluded), /proc/stat.
std::optional<double> machine_busy_seconds();
// The 1-minute load average.
std::optional<double> load_average_1m();
unsigned online_cpus();
// Raises RLIMIT_NOFILE's soft limit to the hard limit (children inherit it); returns it.
std::uint64_t raise_fd_limit();

}  // namespace harness
