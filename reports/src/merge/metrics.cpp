// The metrics of a merged scenario: histograms added bucket by bucket (exact), percentiles
// recomputed from the parts' raw samples when they hold every value the histograms counted,
// else read off the merged histogram; tokens/s total over the parts' common window.
#include <optional>
#include <stdexcept>

#include "merge/parts.hpp"
#include "reports/call_figures.hpp"

namespace reports::merge_detail {

namespace {

using nlohmann::json;

std::optional<std::int64_t> known(std::int64_t us) {
    return us >= 0 ? std::optional(us) : std::nullopt;  // samples.jsonl's -1: unknown
}

void add(std::optional<double> value, std::vector<double>& out) {
    if (value) out.push_back(*value);
}

void add(const std::vector<double>& values, std::vector<double>& out) {
    out.insert(out.end(), values.begin(), values.end());
}

// One call's values of `metric`, by the definitions the harness measures with
// (reports/call_figures.hpp), from the call's wall-clock samples. False for a metric samples
// cannot give.
bool add_values(const std::string& metric, const CallSamples& c, std::vector<double>& out) {
    namespace f = call_figures;
    const auto& a = c.arrived_us;
    const auto first = a.empty() ? std::nullopt : std::optional(a.front());
    if (metric == "ttft") {
        add(f::ttft_ms(known(c.sent_us), first), out);
    } else if (metric == "itl") {
        add(f::itl_ms(a), out);
    } else if (metric == "relay_lag") {
        add(f::relay_lag_ms(a, c.emitted_us), out);
    } else if (metric == "e2e") {
        add(f::e2e_ms(known(c.sent_us), known(c.response_us)), out);
    } else if (metric == "tokens_per_s_stream") {
        add(f::stream_tokens_per_s(a.size(), first.value_or(0), a.empty() ? 0 : a.back()), out);
    } else {
        return false;
    }
    return true;
}

// Every part's values of `metric` from its samples; nullopt when samples cannot give them.
std::optional<std::vector<double>> sample_values(const std::vector<Part>& parts,
                                                 const std::string& metric) {
    std::vector<double> values;
    for (const auto& p : parts) {
        if (!p.from->input->has_samples) return std::nullopt;
        for (const auto& c : p.scenario->samples) {
            if (c.outcome != "ok") continue;
            if (!add_values(metric, c, values)) return std::nullopt;
        }
    }
    return values;
}

Distribution from_histogram(const std::string& name, const std::string& unit, const Histogram& h,
                            std::size_t count) {
    Distribution d;
    d.name = name;
    d.unit = unit;
    d.count = h.empty() ? count : h.count;
    d.histogram = h;
    if (h.empty()) return d;
    d.p50 = h.quantile(0.50);
    d.p90 = h.quantile(0.90);
    d.p99 = h.quantile(0.99);
    d.max = h.max();
    d.mean = h.mean();
    return d;
}

// All tokens over the common window: one value, as the harness gives one per scenario.
std::optional<double> total_rate(const std::vector<Part>& parts) {
    const auto window = common_window(parts);
    if (!window || window->end_us <= window->start_us) return std::nullopt;
    double tokens = 0;
    for (const auto& p : parts) {
        const auto t = shard_extra(p).tokens;
        if (!t) return std::nullopt;
        tokens += *t;
    }
    return tokens / (static_cast<double>(window->end_us - window->start_us) / 1e6);
}

struct Gathered {
    std::string name, unit;
    Histogram histogram;
    std::size_t count = 0;
};

std::vector<Gathered> gathered(const std::vector<Part>& parts) {
    std::vector<Gathered> out;
    for (const auto& p : parts) {
        for (const auto& m : p.scenario->metrics) {
            auto it = std::find_if(out.begin(), out.end(),
                                   [&](const Gathered& g) { return g.name == m.name; });
            if (it == out.end()) it = out.insert(out.end(), {m.name, m.unit, {}, 0});
            try {
                it->histogram.merge(m.histogram);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(where(p, "metrics[" + m.name + "].histogram") + ": " +
                                            e.what());
            }
            it->count += m.count;
        }
    }
    return out;
}

}  // namespace

std::vector<Distribution> merge_metrics(const std::vector<Part>& parts, json& extra) {
    std::vector<Distribution> out;
    json from = json::object();
    for (auto& g : gathered(parts)) {
        if (g.name == "tokens_per_s_total") {
            if (const auto rate = total_rate(parts)) {
                out.push_back(summarize(g.name, g.unit, {*rate}));
                from[g.name] = "window";
                continue;
            }
        }
        Distribution d = from_histogram(g.name, g.unit, g.histogram, g.count);
        auto values = sample_values(parts, g.name);
        if (values && !g.histogram.empty() && values->size() == g.histogram.count) {
            d = summarize(g.name, g.unit, std::move(*values));
            d.histogram = std::move(g.histogram);
            from[g.name] = "samples";
        } else {
            from[g.name] = "histogram";
        }
        out.push_back(std::move(d));
    }
    extra["percentiles_from"] = std::move(from);
    return out;
}

}  // namespace reports::merge_detail
