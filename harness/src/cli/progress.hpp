#pragma once
// What a run says on the console while it runs. A line per scenario started and finished;
// meanwhile, per running scenario, its calls done, tokens received, time elapsed and, in a
// wait step, the time left: on a terminal as live lines redrawn four times a second, else
// (CI logs) as plain lines every `plain_every`, so that a long stall still shows the run is
// alive. Quiet: nothing at all (the caller prints the final verdict). Safe from parallel
// workers; the counters it reads are the runner's atomics (no lock on the token path).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/runner.hpp"
#include "reports/report.hpp"

namespace harness::cli {

// The live text of one running scenario at `now_us` (live_now_us()):
// "name: 3 calls, 120 tokens, 12.3 s elapsed, waiting: 107 s left".
std::string live_line(const LiveScenario& scenario, std::int64_t now_us);

enum class ProgressMode { terminal, plain, quiet };

class Progress {
  public:
    Progress(std::size_t total, ProgressMode mode,
             std::chrono::milliseconds plain_every = std::chrono::seconds(5));
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Points the runner's counters and live-scenario hooks here; with `verbose`, its progress
    // lines too.
    void attach(RunOptions& options, bool verbose);
    void started(std::size_t index, const std::string& name);
    void finished(const std::string& name, const reports::ScenarioResult& result, double seconds);
    // Stops the live lines; idempotent.
    void stop();

  private:
    void tick();
    // With print_ held: the live lines off the screen / back on it (terminal only).
    void clear_live();
    void draw_live();

    std::size_t total_;
    ProgressMode mode_;
    std::chrono::milliseconds every_;
    std::mutex print_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<const LiveScenario*> live_;  // running scenarios, in start order
    std::size_t drawn_ = 0;                  // live lines on the screen now
    std::size_t done_ = 0;
    std::atomic<std::uint64_t> calls_{0}, tokens_{0};
    std::thread ticker_;
};

}  // namespace harness::cli
