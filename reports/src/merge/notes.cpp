// merge_notes: what a merged scenario's extra says, in sentences, once for checklist.md and
// report.html (each escapes them its own way).
#include <cmath>

#include "reports/merge.hpp"
#include "text.hpp"

namespace reports {

namespace {

using nlohmann::json;

// "1234 µs" under 10 ms, else "12.3 ms".
std::string micros(double us) {
    if (std::fabs(us) < 10000) return text::fixed(us, 0) + " µs";
    return text::number(us / 1000) + " ms";
}

std::string part_line(const json& row) {
    std::string line =
        row.value("label", std::string("?")) + " from " + row.value("dir", std::string("?"));
    if (row.contains("clients") && row["clients"].is_number()) {
        line += ": " + row["clients"].dump() + " clients";
    }
    const json clock = row.value("clock", json());
    if (clock.is_object() && clock.value("offset_us", json()).is_number() &&
        clock.value("uncertainty_us", json()).is_number()) {
        const double offset = clock["offset_us"].get<double>();
        line += std::string(line.find(':') == std::string::npos ? ":" : ",") +
                " mock clock offset " + (offset >= 0 ? "+" : "-") + micros(std::fabs(offset)) +
                " ± " + micros(clock["uncertainty_us"].get<double>());
    } else {
        line += " (no clock evidence)";
    }
    return line;
}

// "ttft, itl" of the metrics whose percentiles came from `source`, in the scenario's order.
std::string metrics_from(const ScenarioResult& s, const json& from, const std::string& source) {
    std::string out;
    for (const auto& m : s.metrics) {
        if (from.value(m.name, json()) == source) out += (out.empty() ? "" : ", ") + m.name;
    }
    return out;
}

}  // namespace

std::vector<std::string> merge_notes(const ScenarioResult& s) {
    if (!s.extra.is_object() || !s.extra.contains("shards") || !s.extra["shards"].is_array()) {
        return {};
    }
    const json& shards = s.extra["shards"];
    std::vector<std::string> out;
    out.push_back("Merged from " + std::to_string(shards.size()) +
                  (shards.size() == 1 ? " part:" : " parts:"));
    for (const auto& row : shards) out.push_back(row.is_object() ? part_line(row) : "?");
    const json skew = s.extra.value("skew_bound_us", json());
    if (skew.is_number()) {
        out.push_back(
            "Relay lag compares each shard's clock with the mock's: its figures can "
            "carry up to " +
            micros(skew.get<double>()) +
            " of clock skew (the largest |offset| + uncertainty of any part).");
    } else {
        out.push_back("Relay-lag clock skew unknown: the parts recorded no clock evidence.");
    }
    const json from = s.extra.value("percentiles_from", json::object());
    if (!from.is_object()) return out;
    const std::string exact = metrics_from(s, from, "samples");
    const std::string bucketed = metrics_from(s, from, "histogram");
    const std::string window = metrics_from(s, from, "window");
    if (!exact.empty()) {
        out.push_back("Percentiles recomputed from every part's samples (exact): " + exact + ".");
    }
    if (!bucketed.empty()) {
        out.push_back(
            "Percentiles read off the merged histograms (a bucket's upper edge, up to "
            "1.6 % high; not every part had samples.jsonl with all the values): " +
            bucketed + ".");
    }
    if (!window.empty()) {
        out.push_back(
            "Tokens/s total: all parts' tokens over their common window [first start, "
            "last end].");
    }
    return out;
}

}  // namespace reports
