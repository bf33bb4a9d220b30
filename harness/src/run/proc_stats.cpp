#include "harness/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace harness {

namespace {

double seconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

std::optional<CpuTimes> process_cpu(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields 3..13 precede utime (14) and stime (15).
    for (int i = 3; i <= 13; ++i) rest >> field;
    if (!(rest >> utime >> stime)) return std::nullopt;
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return CpuTimes{static_cast<double>(utime) / tick, static_cast<double>(stime) / tick};
}

CpuTimes self_cpu() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return {seconds(u.ru_utime), seconds(u.ru_stime)};
}

std::optional<std::int64_t> process_status_kib(pid_t pid, std::string_view field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
            line[field.size()] == ':') {
            return std::stoll(line.substr(field.size() + 1));
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> process_context_switches(pid_t pid) {
    std::error_code ec;
    std::uint64_t total = 0;
    bool any = false;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "status");
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0 ||
                line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
                total += std::stoull(line.substr(line.find(':') + 1));
                any = true;
            }
        }
    }
    if (ec || !any) return std::nullopt;
    return total;
}

std::optional<double> machine_busy_seconds() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                       steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
        cpu != "cpu") {
        return std::nullopt;
    }
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return static_cast<double>(user + nice + system + irq + softirq + steal) / tick;
}

std::optional<double> load_average_1m() {
    std::ifstream in("/proc/loadavg");
    double one = 0;
    if (!(in >> one)) return std::nullopt;
    return one;
}

unsigned online_cpus() {
    const auto n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

std::uint64_t raise_fd_limit() {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
    if (r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &r);
        ::getrlimit(RLIMIT_NOFILE, &r);
    }
    return r.rlim_cur;
}

}  // namespace harness
