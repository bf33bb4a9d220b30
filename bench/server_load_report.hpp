#pragma once
// mcp_server_load's figures: each run's named figures and notes, the series of runs of one
// scenario, their medians and spread, the table, the goals and the JSON file.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/metrics.hpp"

namespace server_load {

// One run: named figures (kept in order for the table) plus notes.
struct Run {
    std::vector<std::pair<std::string, double>> figures;
    std::vector<std::string> notes;
    nlohmann::json details = nlohmann::json::object();
    bool failed = false;  // threw: no figures beyond the load average

    void set(const std::string& name, double v);
    double get(const std::string& name) const;  // 0 when absent
    // <prefix>_p50, _p90, _p99 and _max.
    void add_percentiles(const std::string& prefix, const harness::Percentiles& p);
};

struct Series {
    std::string name;   // "a/progress", "b/200 clients", ...
    std::string title;  // one line saying what it is
    std::vector<Run> runs;
};

struct Goal {
    std::string series_prefix;  // applies to series whose name starts with this
    std::string figure;
    bool at_most = true;
    double limit = 0;
    std::string text;
};

struct Stat {
    std::size_t runs = 0;  // successful runs the figures come from
    double median = 0, min = 0, max = 0;
};

// The figure over the runs that did not fail.
Stat stat_of(const Series& s, const std::string& figure);

// The table of one series, on stdout.
void print_series(const Series& s);
nlohmann::json series_json(const Series& s);
// Prints each goal that applies to a series, judged on its median; returns them as JSON.
nlohmann::json report_goals(const std::vector<Series>& all, const std::vector<Goal>& goals);

}  // namespace server_load
