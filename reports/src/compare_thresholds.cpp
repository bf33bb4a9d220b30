// The regression gate's vocabulary: statistics, each metric's direction and unit, the
// default thresholds, and the parsers of --max-regression, --min-change and a thresholds file.
#include <charconv>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "reports/compare.hpp"
#include "text.hpp"

namespace reports {

namespace {

constexpr std::string_view kThroughputPrefix = "tokens_per_s";
constexpr std::string_view kStatistics[] = {"p50", "p90", "p99", "max", "mean"};

[[noreturn]] void bad(std::string_view item, const std::string& why) {
    throw std::invalid_argument("'" + std::string(item) + "': " + why);
}

std::string known_metrics() {
    std::string out;
    for (const auto& d : metric_definitions())
        out += (out.empty() ? "" : ", ") + std::string(d.key);
    return out;
}

// A number followed by its unit ("10%", "-5%", "2ms", "1tokens/s"); `item` names it in errors.
struct Quantity {
    double value = 0;
    std::string unit;
};
Quantity quantity(std::string_view text, std::string_view item) {
    Quantity q;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, q.value);
    if (ec != std::errc() || !std::isfinite(q.value)) {
        bad(item, "bad number '" + std::string(text) + "' (want e.g. 10%, 2ms, -5%)");
    }
    q.unit.assign(ptr, end);
    if (q.unit.empty())
        bad(item, "missing unit after " + std::string(text) + " (% or ms/tokens/s)");
    return q;
}

Statistic statistic_named(std::string_view name, std::string_view item) {
    for (std::size_t i = 0; i < std::size(kStatistics); ++i) {
        if (kStatistics[i] == name) return static_cast<Statistic>(i);
    }
    bad(item, "unknown statistic '" + std::string(name) + "'; valid: p50, p90, p99, max, mean");
}

// Adds "metric.stat" = "value" to `out`, merged with a limit of the other kind on that key.
void add_threshold(std::vector<Threshold>& out, std::string_view key, std::string_view value,
                   std::string_view item) {
    const std::size_t dot = key.rfind('.');
    if (dot == std::string_view::npos) bad(item, "want METRIC.STATISTIC=LIMIT, e.g. ttft.p99=10%");
    const std::string metric(key.substr(0, dot));
    if (catalog_metric(metric) == false) {
        bad(item, "unknown metric '" + metric + "'; valid: " + known_metrics());
    }
    const Statistic stat = statistic_named(key.substr(dot + 1), item);
    const Quantity q = quantity(value, item);
    const bool percent = q.unit == "%";
    if (!percent && q.unit != unit_of(metric)) {
        bad(item, "unit '" + q.unit + "' is not % nor " + std::string(unit_of(metric)) +
                      ", the unit of " + metric);
    }
    const bool higher = direction_of(metric) == Direction::higher_is_better;
    if (higher ? q.value > 0 : q.value < 0) {
        bad(item, metric + (higher ? " is better higher: its limit is the allowed drop, written "
                                     "negative (e.g. -5%)"
                                   : " is better lower: its limit is the allowed rise, written "
                                     "positive (e.g. 10%)"));
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const Threshold& t) {
        return t.metric == metric && t.statistic == stat;
    });
    if (it == out.end()) it = out.insert(out.end(), Threshold{metric, stat, {}, {}});
    std::optional<double>& slot = percent ? it->percent : it->absolute;
    if (slot) bad(item, std::string(percent ? "a percent" : "an absolute") + " limit given twice");
    slot = std::fabs(q.value);
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// Calls f(item) for each comma-separated item of `spec`; an empty item is an error.
template <class F>
void for_each_item(std::string_view spec, F f) {
    while (true) {
        const std::size_t comma = spec.find(',');
        const std::string_view item = trimmed(spec.substr(0, comma));
        if (item.empty()) bad(spec, "an empty item (two commas, or a comma at an end)");
        f(item);
        if (comma == std::string_view::npos) return;
        spec.remove_prefix(comma + 1);
    }
}

void add_min_change(std::map<std::string, double>& out, std::string_view item) {
    const Quantity q = quantity(item, item);
    if (q.unit != "ms" && q.unit != "tokens/s") bad(item, "unit must be ms or tokens/s");
    if (q.value < 0) bad(item, "a minimum change is not negative");
    out[q.unit] = q.value;
}

}  // namespace

bool catalog_metric(std::string_view metric) {
    for (const auto& d : metric_definitions()) {
        if (d.key == metric) return true;
    }
    return false;
}

std::string_view to_string(Statistic s) {
    return kStatistics[static_cast<std::size_t>(s)];
}

double statistic_of(const Distribution& d, Statistic s) {
    switch (s) {
        case Statistic::p50:
            return d.p50;
        case Statistic::p90:
            return d.p90;
        case Statistic::p99:
            return d.p99;
        case Statistic::max:
            return d.max;
        case Statistic::mean:
            return d.mean;
    }
    return d.p50;
}

Direction direction_of(std::string_view metric) {
    return metric.starts_with(kThroughputPrefix) ? Direction::higher_is_better
                                                 : Direction::lower_is_better;
}

std::string_view unit_of(std::string_view metric) {
    return metric.starts_with(kThroughputPrefix) ? "tokens/s" : "ms";
}

std::vector<Threshold> CompareOptions::default_thresholds() {
    return parse_thresholds(
        "ttft.p99=10%,itl.p99=10%,relay_lag.p99=10%,relay_lag.p99=1ms,"
        "tokens_per_s_total.p50=-5%");
}

std::map<std::string, double> CompareOptions::default_min_change() {
    return {{"ms", 0.5}, {"tokens/s", 1.0}};
}

std::vector<Threshold> parse_thresholds(std::string_view spec) {
    std::vector<Threshold> out;
    for_each_item(spec, [&](std::string_view item) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            bad(item, "want METRIC.STATISTIC=LIMIT, e.g. ttft.p99=10%");
        add_threshold(out, trimmed(item.substr(0, eq)), trimmed(item.substr(eq + 1)), item);
    });
    return out;
}

std::map<std::string, double> parse_min_change(std::string_view spec) {
    auto out = CompareOptions::default_min_change();
    for_each_item(spec, [&](std::string_view item) { add_min_change(out, item); });
    return out;
}

CompareOptions parse_thresholds_file(std::string_view json_text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for a number beyond a double (1e9999): the fuzzer's find.
        throw std::invalid_argument(std::string("thresholds file: not JSON: ") + e.what());
    }
    if (!j.is_object()) throw std::invalid_argument("thresholds file: expected a JSON object");
    CompareOptions o;
    if (const auto it = j.find("max_regression"); it != j.end()) {
        if (!it->is_object())
            bad("max_regression", "expected an object of METRIC.STATISTIC: LIMIT");
        o.thresholds.clear();
        for (const auto& [key, v] : it->items()) {
            const auto limits = v.is_array() ? v : nlohmann::json::array({v});
            for (const auto& l : limits) {
                if (!l.is_string()) bad(key, "expected a limit as a string, e.g. \"10%\"");
                add_threshold(o.thresholds, key, l.get<std::string>(), key);
            }
        }
    }
    if (const auto it = j.find("min_change"); it != j.end()) {
        if (!it->is_object()) bad("min_change", "expected an object of UNIT: NUMBER");
        for (const auto& [unit, v] : it->items()) {
            if (!v.is_number()) bad("min_change." + unit, "expected a number");
            add_min_change(o.min_change, text::fixed(v.get<double>(), 6) + unit);
        }
    }
    if (const auto it = j.find("min_count"); it != j.end()) {
        if (!it->is_number_unsigned()) bad("min_count", "expected a whole number >= 0");
        o.min_count = it->get<std::size_t>();
    }
    return o;
}

std::string describe(const Threshold& t) {
    const bool higher = direction_of(t.metric) == Direction::higher_is_better;
    const std::string sign = higher ? "-" : "";
    std::string out =
        t.metric + "." + std::string(to_string(t.statistic)) + (higher ? " < " : " > ");
    if (t.percent) out += sign + text::number(*t.percent) + " %";
    if (t.percent && t.absolute) out += " and ";
    if (t.absolute) out += sign + text::number(*t.absolute) + " " + std::string(unit_of(t.metric));
    return out;
}

}  // namespace reports
