// The metrics of a merged scenario: histograms added bucket by bucket (exact), percentiles
// recomputed from the parts' raw samples when they hold every value the histograms counted,
// else read off the merged histogram; tokens/s total over the parts' common window.
#include <optional>
#include <stdexcept>

#include "merge/parts.hpp"

namespace reports::merge_detail {

namespace {

using nlohmann::json;

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

// One call's values of `metric`, as the harness measures them per successful call
// (harness/src/checks/call_metrics.cpp), from the call's wall-clock samples. False for a
// metric samples cannot give.
bool add_values(const std::string& metric, const CallSamples& c, std::vector<double>& out) {
    const auto& a = c.arrived_us;
    if (metric == "ttft") {
        if (c.sent_us >= 0 && !a.empty()) out.push_back(ms(a.front() - c.sent_us));
    } else if (metric == "itl") {
        for (std::size_t i = 1; i < a.size(); ++i) out.push_back(ms(a[i] - a[i - 1]));
    } else if (metric == "relay_lag") {
        const std::size_t n = std::min(a.size(), c.emitted_us.size());
        for (std::size_t i = 0; i < n; ++i) out.push_back(ms(a[i] - c.emitted_us[i]));
    } else if (metric == "e2e") {
        if (c.sent_us >= 0 && c.response_us >= 0) out.push_back(ms(c.response_us - c.sent_us));
    } else if (metric == "tokens_per_s_stream") {
        if (a.size() >= 2 && a.back() > a.front()) {
            out.push_back(static_cast<double>(a.size() - 1) / (ms(a.back() - a.front()) / 1000));
        }
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
