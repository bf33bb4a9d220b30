#pragma once
// What a run says on the console while it runs: a line per scenario started and finished
// and, on a terminal, one status line refreshed four times a second (scenario i/N, calls
// done, tokens streamed). Plain lines otherwise (CI logs). Safe from parallel workers.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "harness/runner.hpp"
#include "reports/report.hpp"

namespace harness::cli {

class Progress {
  public:
    Progress(std::size_t total, bool tty);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Points the runner's live counters here; with `verbose`, its progress lines too.
    void attach(RunOptions& options, bool verbose);
    void started(std::size_t index, const std::string& name);
    void finished(const std::string& name, const reports::ScenarioResult& result, double seconds);
    // Stops the status line; idempotent.
    void stop();

  private:
    void tick();

    std::size_t total_;
    bool tty_;
    std::mutex print_;
    std::string current_;
    std::atomic<std::size_t> done_{0};
    std::atomic<std::uint64_t> calls_{0}, tokens_{0};
    std::atomic<bool> ticking_;
    std::thread ticker_;
};

}  // namespace harness::cli
