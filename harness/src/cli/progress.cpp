#include "cli/progress.hpp"

#include <chrono>
#include <iomanip>
#include <iostream>

namespace harness::cli {

Progress::Progress(std::size_t total, bool tty) : total_(total), tty_(tty), ticking_(tty) {
    if (tty_) ticker_ = std::thread([this] { tick(); });
}

Progress::~Progress() {
    stop();
}

void Progress::tick() {
    while (ticking_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        std::lock_guard lock(print_);
        if (!ticking_.load() || current_.empty()) continue;
        std::cout << "\r\033[K" << current_ << " — " << calls_.load() << " calls, "
                  << tokens_.load() << " tokens" << std::flush;
    }
}

void Progress::attach(RunOptions& o, bool verbose) {
    o.calls_done = &calls_;
    o.tokens_seen = &tokens_;
    if (verbose) {
        o.on_progress = [this](const std::string& line) {
            std::lock_guard lock(print_);
            std::cout << "  " << line << '\n' << std::flush;
        };
    }
}

void Progress::started(std::size_t i, const std::string& name) {
    std::lock_guard lock(print_);
    if (tty_) std::cout << "\r\033[K";
    current_ = "[" + std::to_string(i + 1) + "/" + std::to_string(total_) + "] " + name;
    std::cout << current_ << " ..." << (tty_ ? "" : "\n") << std::flush;
}

void Progress::finished(const std::string& name, const reports::ScenarioResult& r, double seconds) {
    const auto counts = r.counts();
    std::lock_guard lock(print_);
    if (tty_) std::cout << "\r\033[K";
    const bool ok = r.harness_error.empty() && counts.failed == 0 && counts.errors == 0;
    std::cout << "[" << ++done_ << "/" << total_ << "] " << name << ": "
              << (ok ? "passed" : "FAILED") << " (" << counts.passed << "/" << counts.checks
              << " checks, " << std::fixed << std::setprecision(1) << seconds << " s)\n"
              << std::flush;
    if (!r.harness_error.empty()) std::cout << "    harness error: " << r.harness_error << '\n';
}

void Progress::stop() {
    ticking_ = false;
    if (ticker_.joinable()) ticker_.join();
}

}  // namespace harness::cli
