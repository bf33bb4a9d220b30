#include "mock_process.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "harness/proc_stats.hpp"

namespace bench {

namespace {

harness::ServiceOptions mock_options(const std::string& binary,
                                     const std::vector<std::string>& flags) {
    harness::ServiceOptions o;
    o.binary = binary;
    o.args = {"--port", "0"};
    o.args.insert(o.args.end(), flags.begin(), flags.end());
    o.ready_timeout = std::chrono::seconds(10);
    return o;
}

}  // namespace

MockProcess::MockProcess(const std::string& binary, const std::vector<std::string>& flags)
    : service_(mock_options(binary, flags)), admin_(service_.url()) {}

MockProcess::~MockProcess() {
    service_.stop();
    std::error_code ignored;
    std::filesystem::remove(service_.child().stderr_file(), ignored);
}

bool MockProcess::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // The admin connection itself is open while the stats are taken: one more.
        if (stats().value("open_connections", std::int64_t{0}) >=
            static_cast<std::int64_t>(n + 1)) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

double MockProcess::peak_rss_mib() const {
    const auto kib = harness::process_status_kib(service_.pid(), "VmHWM");
    return kib ? static_cast<double>(*kib) / 1024.0 : 0.0;
}

}  // namespace bench
