#include "cpu_meter.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace bench {

namespace {

double ticks_to_s(unsigned long long ticks) {
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// utime + stime of a process: fields 14 and 15 of /proc/<pid>/stat, counted after the
// command name, which is in parentheses and may itself hold spaces.
double process_cpu_s(const std::string& stat_path) {
    std::ifstream in(stat_path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) return 0;
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return ticks_to_s(utime + stime);
}

double machine_busy_s() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                       steal = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
    return ticks_to_s(user + nice + system + irq + softirq + steal);
}

}  // namespace

CpuSample sample_cpu(pid_t mock) {
    return {machine_busy_s(), process_cpu_s("/proc/" + std::to_string(mock) + "/stat"),
            process_cpu_s("/proc/self/stat")};
}

CpuShares cpu_shares(const CpuSample& before, const CpuSample& after, double wall_s) {
    const double capacity = wall_s * static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN));
    if (capacity <= 0) return {};
    const double mock = after.mock_s - before.mock_s;
    const double self = after.self_s - before.self_s;
    const double busy = after.machine_busy_s - before.machine_busy_s;
    return {100.0 * mock / capacity, 100.0 * self / capacity,
            100.0 * std::max(0.0, busy - mock - self) / capacity};
}

}  // namespace bench
