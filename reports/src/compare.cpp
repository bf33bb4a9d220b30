// compare(): two runs, scenario by scenario, judged against the thresholds (compare.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "reports/compare.hpp"

namespace reports {

namespace {

// A run-level figure: one value per run by definition (see metric_definitions).
bool one_per_run(std::string_view metric) {
    return metric == "tokens_per_s_total";
}

const Distribution* find_metric(const ScenarioResult& s, std::string_view name) {
    for (const auto& m : s.metrics) {
        if (m.name == name) return &m;
    }
    return nullptr;
}

// Whether a change `worse` (> 0: worse, in the metric's direction) of `old_value` goes past
// every limit of `t` and past the noise floor.
bool beyond(double worse, double old_value, const Threshold& t, double floor) {
    if (!(worse >= floor) || worse <= 0) return false;
    if (t.percent && !(old_value > 0 ? worse / old_value * 100 > *t.percent : true)) return false;
    if (t.absolute && !(worse > *t.absolute)) return false;
    return true;
}

Verdict judge(const MetricRow& r, const CompareOptions& o) {
    if (!r.threshold) return Verdict::unchecked;
    const std::size_t need = one_per_run(r.metric) ? 1 : std::max<std::size_t>(o.min_count, 1);
    // A non-finite figure (written as null in report.json) is no measurement either.
    if (r.old_count < need || r.new_count < need || !std::isfinite(r.old_value) ||
        !std::isfinite(r.new_value)) {
        return Verdict::not_enough_data;
    }
    const auto floor_it = o.min_change.find(r.unit);
    const double floor = floor_it == o.min_change.end() ? 0 : floor_it->second;
    const double worse =
        direction_of(r.metric) == Direction::higher_is_better ? -r.change : r.change;
    if (beyond(worse, r.old_value, *r.threshold, floor)) return Verdict::regression;
    if (beyond(-worse, r.old_value, *r.threshold, floor)) return Verdict::improved;
    return Verdict::ok;
}

MetricRow row(const Distribution& o, const Distribution& n, Statistic s,
              const CompareOptions& opt) {
    MetricRow r;
    r.metric = n.name;
    r.statistic = s;
    r.unit = n.unit.empty() ? o.unit : n.unit;
    r.old_value = statistic_of(o, s);
    r.new_value = statistic_of(n, s);
    r.old_count = o.count;
    r.new_count = n.count;
    r.change = r.new_value - r.old_value;
    r.change_percent = r.old_value != 0 ? r.change / std::fabs(r.old_value) * 100
                                        : std::numeric_limits<double>::quiet_NaN();
    for (const auto& t : opt.thresholds) {
        if (t.metric == n.name && t.statistic == s) r.threshold = t;
    }
    r.verdict = judge(r, opt);
    return r;
}

// Each metric on both sides: p50 and p99 always (to read), and every statistic a threshold
// names (to judge).
std::vector<MetricRow> metric_rows(const ScenarioResult& o, const ScenarioResult& n,
                                   const CompareOptions& opt) {
    std::vector<MetricRow> rows;
    for (const auto& nm : n.metrics) {
        const Distribution* om = find_metric(o, nm.name);
        if (om == nullptr) continue;
        std::set<Statistic> stats = {Statistic::p50, Statistic::p99};
        for (const auto& t : opt.thresholds) {
            if (t.metric == nm.name) stats.insert(t.statistic);
        }
        for (const Statistic s : stats) rows.push_back(row(*om, nm, s, opt));
    }
    return rows;
}

bool bad_status(Status s) {
    return s == Status::failed || s == Status::error;
}

// Every check OLD passed (a regression when NEW fails it), and every one NEW fails that OLD
// did not pass (shown, not judged: it was no better before).
std::vector<CheckRow> check_rows(const ScenarioResult& o, const ScenarioResult& n) {
    std::vector<CheckRow> rows;
    for (const auto& nc : n.checks) {
        const auto oc = std::find_if(o.checks.begin(), o.checks.end(),
                                     [&](const CheckResult& c) { return c.id == nc.id; });
        if (oc == o.checks.end()) continue;
        CheckRow r{nc.id, oc->status, nc.status, Verdict::ok};
        if (oc->status == Status::passed && bad_status(nc.status)) r.verdict = Verdict::regression;
        if (bad_status(oc->status) && nc.status == Status::passed) r.verdict = Verdict::improved;
        rows.push_back(r);
    }
    return rows;
}

const ScenarioResult* find_scenario(const RunReport& r, const std::string& name) {
    for (const auto& s : r.scenarios) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

}  // namespace

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::ok:
            return "ok";
        case Verdict::improved:
            return "improved";
        case Verdict::regression:
            return "regression";
        case Verdict::not_enough_data:
            return "not enough data";
        case Verdict::unchecked:
            return "–";
    }
    return "?";
}

std::size_t ScenarioComparison::regressions() const {
    std::size_t n = new_harness_error.empty() ? 0 : 1;
    for (const auto& m : metrics) n += m.verdict == Verdict::regression ? 1 : 0;
    for (const auto& c : checks) n += c.verdict == Verdict::regression ? 1 : 0;
    return n;
}

std::size_t Comparison::regressions() const {
    std::size_t n = 0;
    for (const auto& s : scenarios) n += s.regressions();
    return n;
}

Comparison compare(const RunReport& old_run, const RunReport& new_run,
                   const CompareOptions& options) {
    Comparison c;
    c.options = options;
    for (const auto& n : new_run.scenarios) {
        const ScenarioResult* o = find_scenario(old_run, n.name);
        if (o == nullptr) {
            c.only_new.push_back(n.name);
            continue;
        }
        ScenarioComparison sc{n.name, metric_rows(*o, n, options), check_rows(*o, n), {}};
        if (o->harness_error.empty()) sc.new_harness_error = n.harness_error;
        c.scenarios.push_back(std::move(sc));
    }
    for (const auto& o : old_run.scenarios) {
        if (find_scenario(new_run, o.name) == nullptr) c.only_old.push_back(o.name);
    }
    if (c.scenarios.empty()) {
        throw std::invalid_argument("the two reports have no scenario in common (matched by name)");
    }
    return c;
}

}  // namespace reports
