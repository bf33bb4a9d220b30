#pragma once
// Counters and the schedule-lateness histogram, updated from every I/O thread without locks.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/histogram.hpp"
#include "mock_ollama/fault.hpp"

namespace mock_ollama {

class Stats {
  public:
    void request() { requests_.fetch_add(1, std::memory_order_relaxed); }
    void bad_request() { bad_requests_.fetch_add(1, std::memory_order_relaxed); }
    void generation() { generations_.fetch_add(1, std::memory_order_relaxed); }
    void token() { tokens_.fetch_add(1, std::memory_order_relaxed); }
    void stream_started() { active_streams_.fetch_add(1, std::memory_order_relaxed); }
    void stream_ended() { active_streams_.fetch_sub(1, std::memory_order_relaxed); }
    void connection_opened() { connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
    void client_gone() { clients_gone_.fetch_add(1, std::memory_order_relaxed); }
    void fault(FaultKind k) {
        faults_[static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
    }
    // Actual write time minus scheduled time of one token, in nanoseconds.
    void lateness(std::int64_t ns) { lateness_.record(ns); }

    std::uint64_t tokens() const { return tokens_.load(std::memory_order_relaxed); }
    std::int64_t active_streams() const { return active_streams_.load(std::memory_order_relaxed); }

    void reset();
    nlohmann::json to_json() const;
    std::string to_prometheus() const;

  private:
    std::atomic<std::uint64_t> requests_{0}, bad_requests_{0}, generations_{0}, tokens_{0},
        clients_gone_{0};
    std::atomic<std::int64_t> active_streams_{0}, connections_{0};
    std::array<std::atomic<std::uint64_t>, kFaultKinds> faults_{};
    common::Histogram lateness_;
};

}  // namespace mock_ollama
