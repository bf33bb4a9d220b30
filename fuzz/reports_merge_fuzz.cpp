// Bytes -> `mcp-harness merge`'s input path: up to four runs, separated by a line "---", each a
// report.json text optionally followed by a line "===" and its samples.jsonl text; each is read
// (reports::parse_json, parse_samples) and the readable ones merged (reports::merge_runs).
// Properties: reading and merging return or throw std::invalid_argument (anything else is a
// finding); a merged run renders (report.json, checklist.md, merge_notes) without throwing,
// and each merged histogram holds exactly the values of the inputs' histograms of that
// scenario and metric. A crash, a hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reports/json.hpp"
#include "reports/markdown.hpp"
#include "reports/merge.hpp"
#include "reports/samples.hpp"

namespace {

constexpr std::size_t kMaxRuns = 4;

std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto at = text.find(separator);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + separator.size());
    }
}

using Counts = std::map<std::pair<std::string, std::string>, std::uint64_t>;

void add_counts(const reports::RunReport& r, Counts& counts) {
    for (const auto& s : r.scenarios) {
        for (const auto& m : s.metrics) counts[{s.name, m.name}] += m.histogram.count;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<reports::MergeInput> inputs;
    Counts before;
    for (const auto run : split(text, "\n---\n")) {
        if (inputs.size() == kMaxRuns) break;
        const auto parts = split(run, "\n===\n");
        reports::MergeInput in;
        in.dir = "run-" + std::to_string(inputs.size() + 1);
        try {
            in.report = reports::parse_json(parts[0]);
            if (parts.size() > 1) {
                reports::parse_samples(parts[1], in.report);
                in.has_samples = true;
            }
        } catch (const std::invalid_argument&) {
            continue;
        }
        add_counts(in.report, before);
        inputs.push_back(std::move(in));
    }
    if (inputs.empty()) return 0;
    reports::RunReport merged;
    try {
        merged = reports::merge_runs(std::move(inputs));
    } catch (const std::invalid_argument&) {
        return 0;
    }
    (void)reports::render_json(merged);
    (void)reports::render_markdown(merged);
    for (const auto& s : merged.scenarios) (void)reports::merge_notes(s);
    Counts after;
    add_counts(merged, after);
    for (const auto& [key, n] : after) {
        // tokens/s total is recomputed over the common window: one value, not the inputs'.
        if (key.second == "tokens_per_s_total") continue;
        if (before[key] != n) {
            std::fprintf(stderr, "reports_merge_fuzz: %s/%s holds %llu values, the inputs %llu\n",
                         key.first.c_str(), key.second.c_str(), static_cast<unsigned long long>(n),
                         static_cast<unsigned long long>(before[key]));
            std::abort();
        }
    }
    return 0;
}
