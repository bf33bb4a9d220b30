#include "cli/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>

namespace harness::cli {

namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", std::max(0.0, s));
    return buf;
}

}  // namespace

// Shorter silences are normal pacing (a slow model's token gap).
constexpr std::int64_t kSilentAfterUs = 2'000'000;

std::string live_line(const LiveScenario& s, std::int64_t now_us) {
    const auto relaxed = std::memory_order_relaxed;
    std::string out = s.name + ": " + std::to_string(s.calls_done.load(relaxed)) + " calls, " +
                      std::to_string(s.tokens.load(relaxed)) + " tokens, " +
                      seconds_text(static_cast<double>(now_us - s.started_steady_us) / 1e6) +
                      " elapsed";
    const std::int64_t until = s.wait_until_steady_us.load(relaxed);
    if (until != 0) {
        // Whole seconds, rounded up: "0 s left" only once the wait is over.
        const std::int64_t left_us = std::max<std::int64_t>(0, until - now_us);
        out += ", waiting: " + std::to_string((left_us + 999'999) / 1'000'000) + " s left";
    }
    // A stall (the 120 s upstream timeout) must not look like a hung harness.
    const std::int64_t heard = s.last_heard_steady_us.load(relaxed);
    const bool in_flight = s.calls_started.load(relaxed) > s.calls_done.load(relaxed);
    if (in_flight && heard != 0 && now_us - heard >= kSilentAfterUs) {
        out += ", no token for " + seconds_text(static_cast<double>(now_us - heard) / 1e6);
        if (s.upstream_timeout_us > 0) {
            out += " (the server's upstream timeout: " +
                   seconds_text(static_cast<double>(s.upstream_timeout_us) / 1e6) + ")";
        }
    }
    return out;
}

Progress::Progress(std::size_t total, ProgressMode mode, std::chrono::milliseconds plain_every)
    : total_(total), mode_(mode), every_(plain_every) {
    if (mode_ != ProgressMode::quiet) ticker_ = std::thread([this] { tick(); });
}

Progress::~Progress() {
    stop();
}

void Progress::tick() {
    const auto period = mode_ == ProgressMode::terminal ? std::chrono::milliseconds(250) : every_;
    std::unique_lock lock(print_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
        if (mode_ == ProgressMode::terminal) {
            clear_live();
            draw_live();
            continue;
        }
        const std::int64_t now = live_now_us();
        for (const auto* s : live_) std::cout << "  ... " << live_line(*s, now) << '\n';
        std::cout << std::flush;
    }
}

void Progress::clear_live() {
    if (drawn_ > 0) std::cout << "\033[" << drawn_ << "F\033[J";
    drawn_ = 0;
}

void Progress::draw_live() {
    const std::int64_t now = live_now_us();
    for (const auto* s : live_) std::cout << "\033[K  " << live_line(*s, now) << '\n';
    drawn_ = live_.size();
    std::cout << std::flush;
}

void Progress::attach(RunOptions& o, bool verbose) {
    o.calls_done = &calls_;
    o.tokens_seen = &tokens_;
    if (mode_ == ProgressMode::quiet) return;
    o.on_live_start = [this](LiveScenario& s) {
        std::lock_guard lock(print_);
        live_.push_back(&s);
    };
    o.on_live_end = [this](LiveScenario& s) {
        std::lock_guard lock(print_);
        if (mode_ == ProgressMode::terminal) clear_live();
        live_.erase(std::remove(live_.begin(), live_.end(), &s), live_.end());
        if (mode_ == ProgressMode::terminal) draw_live();
    };
    if (verbose) {
        o.on_progress = [this](const std::string& line) {
            std::lock_guard lock(print_);
            if (mode_ == ProgressMode::terminal) clear_live();
            std::cout << "  " << line << '\n';
            if (mode_ == ProgressMode::terminal) draw_live();
            std::cout << std::flush;
        };
    }
}

void Progress::started(std::size_t i, const std::string& name) {
    if (mode_ == ProgressMode::quiet) return;
    std::lock_guard lock(print_);
    if (mode_ == ProgressMode::terminal) clear_live();
    std::cout << "[" << i + 1 << "/" << total_ << "] " << name << " ...\n";
    if (mode_ == ProgressMode::terminal) draw_live();
    std::cout << std::flush;
}

void Progress::finished(const std::string& name, const reports::ScenarioResult& r, double seconds) {
    if (mode_ == ProgressMode::quiet) return;
    const auto counts = r.counts();
    std::lock_guard lock(print_);
    if (mode_ == ProgressMode::terminal) clear_live();
    const bool ok = r.harness_error.empty() && counts.failed == 0 && counts.errors == 0;
    std::cout << "[" << ++done_ << "/" << total_ << "] " << name << ": "
              << (ok ? "passed" : "FAILED") << " (" << counts.passed << "/" << counts.checks
              << " checks, " << std::fixed << std::setprecision(1) << seconds << " s)\n";
    if (!r.harness_error.empty()) std::cout << "    harness error: " << r.harness_error << '\n';
    if (mode_ == ProgressMode::terminal) draw_live();
    std::cout << std::flush;
}

void Progress::stop() {
    {
        std::lock_guard lock(print_);
        if (stopping_) return;
        stopping_ = true;
        if (mode_ == ProgressMode::terminal) clear_live();
        std::cout << std::flush;
    }
    wake_.notify_all();
    if (ticker_.joinable()) ticker_.join();
}

}  // namespace harness::cli
