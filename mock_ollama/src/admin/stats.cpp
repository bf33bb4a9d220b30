#include "mock_ollama/stats.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

namespace mock_ollama {

void Stats::reset() {
    // Gauges (active streams, open connections) describe the present and are kept.
    for (auto* c : {&requests_, &bad_requests_, &generations_, &tokens_, &clients_gone_}) {
        c->store(0, std::memory_order_relaxed);
    }
    for (auto& f : faults_) f.store(0, std::memory_order_relaxed);
    lateness_.reset();
}

nlohmann::json Stats::to_json() const {
    nlohmann::json faults = nlohmann::json::object();
    std::uint64_t fault_total = 0;
    for (std::size_t k = 1; k < kFaultKinds; ++k) {
        const auto n = faults_[k].load(std::memory_order_relaxed);
        faults[std::string(to_string(static_cast<FaultKind>(k)))] = n;
        fault_total += n;
    }
    auto ms = [](std::int64_t ns) { return static_cast<double>(ns) / 1e6; };
    return {
        {"requests", requests_.load(std::memory_order_relaxed)},
        {"bad_requests", bad_requests_.load(std::memory_order_relaxed)},
        {"generations", generations_.load(std::memory_order_relaxed)},
        {"tokens", tokens_.load(std::memory_order_relaxed)},
        {"active_streams", active_streams_.load(std::memory_order_relaxed)},
        {"open_connections", connections_.load(std::memory_order_relaxed)},
        {"clients_gone", clients_gone_.load(std::memory_order_relaxed)},
        {"faults_total", fault_total},
        {"faults", faults},
        {"lateness_ms",
         {{"count", lateness_.count()},
          {"p50", ms(lateness_.quantile(0.50))},
          {"p99", ms(lateness_.quantile(0.99))},
          {"max", ms(lateness_.max())},
          {"mean", lateness_.mean() / 1e6}}},
    };
}

std::string Stats::to_prometheus() const {
    std::ostringstream os;
    auto counter = [&os](const char* name, const char* help, std::uint64_t v) {
        os << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n"
           << name << ' ' << v << '\n';
    };
    auto gauge = [&os](const char* name, const char* help, std::int64_t v) {
        os << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
           << name << ' ' << v << '\n';
    };
    counter("mock_ollama_requests_total", "HTTP requests received.", requests_.load());
    counter("mock_ollama_bad_requests_total", "Requests answered with a 4xx error.",
            bad_requests_.load());
    counter("mock_ollama_generations_total", "Generation requests served.", generations_.load());
    counter("mock_ollama_tokens_total", "Tokens emitted.", tokens_.load());
    counter("mock_ollama_clients_gone_total", "Streams whose client went away mid-stream.",
            clients_gone_.load());
    gauge("mock_ollama_active_streams", "Streams in progress.", active_streams_.load());
    gauge("mock_ollama_open_connections", "Open client connections.", connections_.load());
    os << "# HELP mock_ollama_faults_total Faults injected, by kind.\n"
          "# TYPE mock_ollama_faults_total counter\n";
    for (std::size_t k = 1; k < kFaultKinds; ++k) {
        os << "mock_ollama_faults_total{kind=\"" << to_string(static_cast<FaultKind>(k)) << "\"} "
           << faults_[k].load() << '\n';
    }
    os << "# HELP mock_ollama_schedule_lateness_seconds Token write time minus scheduled time.\n"
          "# TYPE mock_ollama_schedule_lateness_seconds summary\n";
    for (double q : {0.5, 0.9, 0.99}) {
        os << "mock_ollama_schedule_lateness_seconds{quantile=\"" << q << "\"} "
           << static_cast<double>(lateness_.quantile(q)) / 1e9 << '\n';
    }
    os << "mock_ollama_schedule_lateness_seconds_sum "
       << lateness_.mean() * static_cast<double>(lateness_.count()) / 1e9 << '\n'
       << "mock_ollama_schedule_lateness_seconds_count " << lateness_.count() << '\n';
    return os.str();
}

}  // namespace mock_ollama
