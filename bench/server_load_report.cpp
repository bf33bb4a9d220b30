// mcp_server_load's reporting: medians and spread per figure, the table, goals, JSON.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "server_load.hpp"

namespace server_load {

using nlohmann::json;

void Run::set(const std::string& name, double v) {
    for (auto& [n, x] : figures) {
        if (n == name) {
            x = v;
            return;
        }
    }
    figures.emplace_back(name, v);
}

double Run::get(const std::string& name) const {
    for (const auto& [n, x] : figures) {
        if (n == name) return x;
    }
    return 0;
}

void Run::add_percentiles(const std::string& prefix, const harness::Percentiles& p) {
    set(prefix + "_p50", p.p50);
    set(prefix + "_p90", p.p90);
    set(prefix + "_p99", p.p99);
    set(prefix + "_max", p.max);
}

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const Run* first_good(const Series& s) {
    for (const auto& r : s.runs) {
        if (!r.failed) return &r;
    }
    return nullptr;
}

}  // namespace

Stat stat_of(const Series& s, const std::string& figure) {
    std::vector<double> v;
    for (const auto& r : s.runs) {
        if (!r.failed) v.push_back(r.get(figure));
    }
    if (v.empty()) return {};
    return {v.size(), median(v), *std::min_element(v.begin(), v.end()),
            *std::max_element(v.begin(), v.end())};
}

void print_series(const Series& s) {
    std::cout << "\n" << s.name << ": " << s.title << "  (" << s.runs.size() << " runs)\n";
    if (const Run* good = first_good(s)) {
        std::printf("  %-28s %14s %24s   per run\n", "figure", "median", "spread (min - max)");
        for (const auto& [name, v] : good->figures) {
            (void)v;
            const auto st = stat_of(s, name);
            std::string each;
            for (const auto& r : s.runs) {
                each += (each.empty() ? "" : " / ") + (r.failed ? "-" : fmt(r.get(name), 2));
            }
            std::printf("  %-28s %14s %24s   %s\n", name.c_str(), fmt(st.median, 2).c_str(),
                        (fmt(st.min, 2) + " - " + fmt(st.max, 2)).c_str(), each.c_str());
        }
    }
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        for (const auto& n : s.runs[i].notes) std::cout << "  run " << i + 1 << ": " << n << "\n";
    }
}

json series_json(const Series& s) {
    json runs = json::array();
    for (const auto& r : s.runs) {
        json figures = json::object();
        for (const auto& [n, v] : r.figures) figures[n] = v;
        runs.push_back({{"figures", figures},
                        {"notes", r.notes},
                        {"details", r.details},
                        {"failed", r.failed}});
    }
    json medians = json::object();
    if (const Run* good = first_good(s)) {
        for (const auto& [n, v] : good->figures) {
            (void)v;
            const auto st = stat_of(s, n);
            medians[n] = {
                {"median", st.median}, {"min", st.min}, {"max", st.max}, {"runs", st.runs}};
        }
    }
    return {{"name", s.name}, {"title", s.title}, {"runs", runs}, {"summary", medians}};
}

json report_goals(const std::vector<Series>& all, const std::vector<Goal>& goals) {
    std::cout << "\nGoals (judged on medians):\n";
    json goals_json = json::array();
    for (const auto& s : all) {
        for (const auto& g : goals) {
            if (s.name.rfind(g.series_prefix, 0) != 0) continue;
            const auto st = stat_of(s, g.figure);
            const bool pass =
                st.runs > 0 && (g.at_most ? st.median <= g.limit : st.median >= g.limit);
            std::printf("  [%s] %-12s %-44s median %s (%s - %s, %zu runs)\n",
                        pass ? "PASS" : "FAIL", s.name.c_str(), g.text.c_str(),
                        fmt(st.median, 2).c_str(), fmt(st.min, 2).c_str(), fmt(st.max, 2).c_str(),
                        st.runs);
            goals_json.push_back({{"series", s.name},
                                  {"goal", g.text},
                                  {"figure", g.figure},
                                  {"limit", g.limit},
                                  {"median", st.median},
                                  {"min", st.min},
                                  {"max", st.max},
                                  {"runs", st.runs},
                                  {"pass", pass}});
        }
    }
    return goals_json;
}

}  // namespace server_load
