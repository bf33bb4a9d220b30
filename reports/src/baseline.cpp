#include "reports/baseline.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace reports {

using nlohmann::json;

bool Baseline::contains(const std::string& scenario, const std::string& check) const {
    return expected.contains({scenario, check}) || expected.contains({kAnyScenario, check});
}

Baseline baseline_from_json(const json& j) {
    const auto fail = [](const std::string& where, const std::string& what) {
        throw std::invalid_argument("baseline: " + where + ": " + what);
    };
    if (!j.is_object()) fail("(root)", "expected an object");
    const auto it = j.find("expected_failures");
    if (it == j.end()) fail("expected_failures", "missing");
    if (!it->is_array()) fail("expected_failures", "expected an array");
    Baseline b;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& e = (*it)[i];
        const std::string where = "expected_failures[" + std::to_string(i) + "]";
        if (!e.is_object()) fail(where, "expected an object");
        for (const char* key : {"scenario", "check"}) {
            const auto f = e.find(key);
            if (f == e.end()) fail(where + "." + key, "missing");
            if (!f->is_string() || f->get<std::string>().empty()) {
                fail(where + "." + key, "expected a non-empty string");
            }
        }
        b.expected.emplace(e["scenario"].get<std::string>(), e["check"].get<std::string>());
    }
    return b;
}

Baseline load_baseline(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("baseline: cannot read " + path.string());
    std::stringstream buf;
    buf << in.rdbuf();
    json j;
    try {
        j = json::parse(buf.str());
    } catch (const json::parse_error& e) {
        throw std::invalid_argument("baseline " + path.string() + ": not valid JSON: " + e.what());
    }
    try {
        return baseline_from_json(j);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path.string() + ": " + e.what());
    }
}

json to_json(const Baseline& baseline) {
    json entries = json::array();
    for (const auto& [scenario, check] : baseline.expected) {
        entries.push_back({{"scenario", scenario}, {"check", check}});
    }
    return {{"expected_failures", std::move(entries)}};
}

Baseline baseline_from_failures(const RunReport& report) {
    Baseline b;
    for (const auto& s : report.scenarios) {
        for (const auto& c : s.checks) {
            if (c.status == Status::failed || c.status == Status::expected_failure) {
                b.expected.emplace(s.name, c.id);
            }
        }
    }
    return b;
}

void apply_baseline(RunReport& report, const Baseline& baseline) {
    for (auto& s : report.scenarios) {
        for (auto& c : s.checks) {
            if (!baseline.contains(s.name, c.id)) continue;
            if (c.status == Status::failed) c.status = Status::expected_failure;
            if (c.status == Status::passed) c.now_passing_in_baseline = true;
        }
    }
}

}  // namespace reports
