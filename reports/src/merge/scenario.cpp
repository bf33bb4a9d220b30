// One merged scenario from its parts: checks, metrics and extra by their own rules, the rest
// (samples, harness errors, attachments) kept with the part they came from.
#include <algorithm>
#include <optional>

#include "merge/parts.hpp"

namespace reports::merge_detail {

namespace {

// The parts' harness errors, each with its part's label ("" when none had one).
std::string harness_errors(const std::vector<Part>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (p.scenario->harness_error.empty()) continue;
        out += (out.empty() ? "" : "; ") + p.from->label + ": " + p.scenario->harness_error;
    }
    return out;
}

// The scenario's wall time: the common window when every part has one, else the longest part
// (the parts ran side by side).
double seconds_of(const std::vector<Part>& parts) {
    if (const auto w = common_window(parts)) {
        return static_cast<double>(w->end_us - w->start_us) / 1e6;
    }
    double s = 0;
    for (const auto& p : parts) s = std::max(s, p.scenario->seconds);
    return s;
}

// A part's samples count µs from its own start (its window's start: the harness's origin of
// samples.jsonl); merged, they count from the common start, so timelines line up.
std::vector<CallSamples> samples_from(const Part& p, const std::optional<Window>& common) {
    std::vector<CallSamples> out = p.scenario->samples;
    const auto own = shard_extra(p).window;
    if (!common || !own) return out;
    const std::int64_t by = own->start_us - common->start_us;
    const auto shift = [by](std::int64_t& t) {
        if (t >= 0) t += by;  // -1: unknown
    };
    for (auto& c : out) {
        shift(c.sent_us);
        shift(c.response_us);
        for (auto& t : c.arrived_us) shift(t);
        for (auto& t : c.emitted_us) shift(t);
    }
    return out;
}

}  // namespace

ScenarioResult merge_scenario(const std::vector<Part>& parts) {
    const ScenarioResult& first = *parts.front().scenario;
    ScenarioResult out;
    out.name = first.name;
    out.file = first.file;
    out.description = first.description;
    out.seconds = seconds_of(parts);
    out.harness_error = harness_errors(parts);
    out.checks = merge_checks(parts);
    out.extra = merge_extra(parts);
    out.metrics = merge_metrics(parts, out.extra);
    const auto common = common_window(parts);
    for (const auto& p : parts) {
        const auto samples = samples_from(p, common);
        out.samples.insert(out.samples.end(), samples.begin(), samples.end());
        for (const auto& [name, text] : p.scenario->attachments) {
            out.attachments.emplace_back(p.from->label + ": " + name, text);
        }
    }
    return out;
}

}  // namespace reports::merge_detail
