#include "cli/gate_options.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "reports/json.hpp"

namespace harness::cli {

namespace {

// Runs `parse`, prefixing its error with the option that carried the bad value.
template <class F>
auto for_option(const char* option, F parse) {
    try {
        return parse();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string(option) + ": " + e.what());
    }
}

std::string read_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(what + ": cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

void add_gate_options(CLI::App& sub, GateArgs& g) {
    sub.add_option("--max-regression", g.max_regression,
                   "METRIC.STATISTIC=LIMIT,...: how much worse a figure may get, in % of OLD or "
                   "in the metric's unit (ms; tokens/s, written negative), e.g. "
                   "ttft.p99=10%,relay_lag.p99=2ms,tokens_per_s_total.p50=-5% (replaces the "
                   "defaults)");
    sub.add_option("--thresholds", g.thresholds_file,
                   "The thresholds as a JSON file (max_regression, min_change, min_count)");
    sub.add_option("--min-change", g.min_change,
                   "Changes smaller than this are noise, per unit (default 0.5ms,1tokens/s)");
    sub.add_option("--min-count", g.min_count,
                   "Fewer values than this on either side: not enough data (default 10)");
}

void setup_compare(CLI::App& app, CompareArgs& a) {
    auto* cmp = app.add_subcommand(
        "compare",
        "Compare two runs' report.json (OLD, then NEW) against regression thresholds; exit "
        "code 0 no regression, 1 a regression, 2 cannot compare");
    cmp->add_option("old", a.old_report, "The earlier run: a report.json or its folder")
        ->required();
    cmp->add_option("new", a.new_report, "The run to judge: a report.json or its folder")
        ->required();
    cmp->add_option("--out", a.out,
                    "Folder for compare.md and compare.xml (default harness-report)");
    add_gate_options(*cmp, a.gate);
}

reports::CompareOptions resolve_gate(const GateArgs& g) {
    if (!g.max_regression.empty() && !g.thresholds_file.empty()) {
        throw std::invalid_argument(
            "--max-regression and --thresholds both give the thresholds: give one");
    }
    reports::CompareOptions o;
    if (!g.thresholds_file.empty()) {
        const std::string text = read_file(g.thresholds_file, "--thresholds");
        o = for_option("--thresholds", [&] { return reports::parse_thresholds_file(text); });
    }
    if (!g.max_regression.empty()) {
        o.thresholds = for_option("--max-regression",
                                  [&] { return reports::parse_thresholds(g.max_regression); });
    }
    if (!g.min_change.empty()) {
        o.min_change =
            for_option("--min-change", [&] { return reports::parse_min_change(g.min_change); });
    }
    if (g.min_count) o.min_count = *g.min_count;
    return o;
}

LoadedReport load_report(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path file = path;
    if (fs::is_directory(file, ec)) file /= "report.json";
    if (!fs::is_regular_file(file, ec)) {
        throw std::invalid_argument(path +
                                    ": no report.json there (give a report.json or the "
                                    "--out folder of a run)");
    }
    const std::string text = read_file(file.string(), file.string());
    try {
        return {file.string(), reports::parse_json(text)};
    } catch (const std::invalid_argument& e) {
        // parse_json's messages start with "report.json: ": name the file instead.
        std::string why = e.what();
        if (why.starts_with("report.json: ")) why.erase(0, 13);
        throw std::invalid_argument(file.string() + ": not a readable report.json: " + why);
    }
}

CompareConfig resolve_compare(const CompareArgs& a) {
    CompareConfig c;
    c.gate.options = resolve_gate(a.gate);
    c.gate.old_run = load_report(a.old_report);
    c.new_run = load_report(a.new_report);
    c.gate.out = a.out;
    return c;
}

bool any_gate_option(const GateArgs& g) {
    return !g.max_regression.empty() || !g.thresholds_file.empty() || !g.min_change.empty() ||
           g.min_count.has_value();
}

}  // namespace harness::cli
