#pragma once
// Synthetic shard reports for the merge tests: one load scenario split by clients, each client
// one successful call whose samples and metrics agree (the metrics summarised from the same
// values, as the harness does), plus the extra.shard a sharded run writes.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/merge.hpp"

namespace reports_test {

inline constexpr std::size_t kTokens = 5;

// Client k's call: sent at 1000 k µs, tokens 20 ms apart from 200 ms + 7 k µs on, each
// relayed k + 3 i µs after the mock emitted it.
inline reports::CallSamples client_call(std::size_t k) {
    reports::CallSamples c;
    c.scenario = "load";
    c.call = "client " + std::to_string(k) + " steps[1] generate 1";
    c.client = k;
    c.patient_id = "P" + std::to_string(k);
    c.outcome = "ok";
    c.sent_us = static_cast<std::int64_t>(1000 * k);
    for (std::size_t i = 0; i < kTokens; ++i) {
        const auto at = c.sent_us + 200000 + static_cast<std::int64_t>(7 * k + 20000 * i);
        c.arrived_us.push_back(at);
        c.emitted_us.push_back(at - static_cast<std::int64_t>(k + 3 * i));
    }
    c.response_us = c.arrived_us.back() + 500;
    return c;
}

// The metrics the harness would compute over `calls` (values as metrics.cpp in reports/src/merge
// and harness/src/checks/call_metrics.cpp take them).
inline std::vector<reports::Distribution> metrics_of(
    const std::vector<reports::CallSamples>& calls) {
    std::vector<double> ttft, itl, lag, e2e;
    const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    for (const auto& c : calls) {
        ttft.push_back(ms(c.arrived_us.front() - c.sent_us));
        for (std::size_t i = 1; i < c.arrived_us.size(); ++i)
            itl.push_back(ms(c.arrived_us[i] - c.arrived_us[i - 1]));
        for (std::size_t i = 0; i < c.arrived_us.size(); ++i)
            lag.push_back(ms(c.arrived_us[i] - c.emitted_us[i]));
        e2e.push_back(ms(c.response_us - c.sent_us));
    }
    return {reports::summarize("ttft", "ms", ttft), reports::summarize("itl", "ms", itl),
            reports::summarize("relay_lag", "ms", lag), reports::summarize("e2e", "ms", e2e),
            reports::summarize("tokens_per_s_total", "tokens/s", {50.0})};
}

inline reports::CheckResult passed_check(std::string id, std::size_t calls) {
    reports::CheckResult c;
    c.id = std::move(id);
    c.passed_items = c.total_items = calls;
    return c;
}

// Shard `index` of `count` of a run with `clients` clients: clients k with k mod count ==
// index - 1; its window starts at 10 s + index ms and lasts 1 s; clock offset index * 10 µs
// (negative for even shards), uncertainty 5 µs.
inline reports::MergeInput shard(std::size_t index, std::size_t count, std::size_t clients = 8) {
    reports::ScenarioResult s;
    s.name = "load";
    s.file = "scenarios/load/load.json";
    s.seconds = 1;
    for (std::size_t k = index - 1; k < clients; k += count) s.samples.push_back(client_call(k));
    s.metrics = metrics_of(s.samples);
    s.checks = {passed_check("stream.order", s.samples.size()),
                passed_check("stream.realtime", s.samples.size())};
    const auto start = static_cast<std::int64_t>(10'000'000 + 1000 * index);
    const double offset = (index % 2 == 0 ? -10.0 : 10.0) * static_cast<double>(index);
    s.extra["tokens_received"] = s.samples.size() * kTokens;
    s.extra["shard"] = {{"index", index},
                        {"count", count},
                        {"by", "clients"},
                        {"clients", s.samples.size()},
                        {"window", {{"start_wall_us", start}, {"end_wall_us", start + 1'000'000}}},
                        {"tokens", s.samples.size() * kTokens},
                        {"clock",
                         {{"peer", "http://127.0.0.1:1"},
                          {"offset_us", offset},
                          {"uncertainty_us", 5.0},
                          {"samples", 5}}}};
    reports::MergeInput in;
    in.dir = "shard-" + std::to_string(index);
    in.has_samples = true;
    in.report.tool_version = "0.9.0";
    in.report.started_at = "2026-12-04T10:00:0" + std::to_string(index) + ".000Z";
    in.report.seconds = 2;
    in.report.options = {{"seed", 7},
                         {"time_scale", 0.1},
                         {"shard", std::to_string(index) + "/" + std::to_string(count)},
                         {"harness_cpu_s", 0.5}};
    in.report.scenarios.push_back(std::move(s));
    return in;
}

inline std::vector<reports::MergeInput> shards(std::size_t count, std::size_t clients = 8) {
    std::vector<reports::MergeInput> out;
    for (std::size_t i = 1; i <= count; ++i) out.push_back(shard(i, count, clients));
    return out;
}

inline const reports::Distribution& metric(const std::vector<reports::Distribution>& metrics,
                                           const std::string& name) {
    for (const auto& m : metrics) {
        if (m.name == name) return m;
    }
    throw std::out_of_range("no metric " + name);
}

inline const reports::Distribution& metric(const reports::ScenarioResult& s,
                                           const std::string& name) {
    return metric(s.metrics, name);
}

}  // namespace reports_test
