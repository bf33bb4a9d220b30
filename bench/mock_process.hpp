#pragma once
// A fresh mock-ollama child for one benchmark run: harness::ServiceProcess (started on port
// 0, its ready line read within a bounded wait) with the mock's admin client
// (harness::MockAdmin) and its peak memory from /proc. Its stderr file is removed at the end.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/mock_admin.hpp"
#include "harness/service_process.hpp"

namespace bench {

class MockProcess {
  public:
    // `flags` follow the binary's path and `--port 0`. Throws std::runtime_error naming the
    // binary and quoting its stderr when it does not print its ready line within 10 s.
    MockProcess(const std::string& binary, const std::vector<std::string>& flags);
    ~MockProcess();
    MockProcess(const MockProcess&) = delete;
    MockProcess& operator=(const MockProcess&) = delete;

    unsigned short port() const { return service_.port(); }
    pid_t pid() const { return service_.pid(); }

    nlohmann::json stats() { return admin_.stats(); }  // GET /_mock/stats
    void reset() { admin_.reset(); }  // POST /_mock/reset: counters and the lateness histogram
    // Polls the stats until `open_connections` reaches `n` (the mock has accepted them all);
    // false after `timeout`.
    bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout);
    // Peak resident set size (VmHWM) in MiB; 0 when it cannot be read.
    double peak_rss_mib() const;
    // The tail of the mock's stderr (its warnings), for error messages.
    std::string stderr_tail() const { return service_.stderr_tail(2048); }

  private:
    harness::ServiceProcess service_;
    harness::MockAdmin admin_;
};

}  // namespace bench
