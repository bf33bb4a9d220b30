#include "run/call_plan.hpp"

#include <set>
#include <stdexcept>
#include <string>

#include "scenario/mock_config.hpp"

namespace harness {

using nlohmann::json;

namespace {

struct PlannedCall {
    std::string patient;
    json overrides;  // the step's pacing and fault; empty for a plain call
};

// Every generate call of one client, in step order (parallel groups depth first).
void plan_calls(const std::vector<Step>& steps, std::size_t own_index,
                const std::vector<std::string>& ids, const std::string& own,
                std::vector<PlannedCall>& out) {
    for (const auto& s : steps) {
        if (s.kind == StepKind::generate) {
            out.push_back({resolve_patient(s.patient, own_index, ids, own), step_rule_json(s)});
        }
        plan_calls(s.steps, own_index, ids, own, out);
    }
}

}  // namespace

std::string own_patient(const std::vector<std::string>& ids, std::size_t client) {
    if (!ids.empty()) return ids[client % ids.size()];
    return std::to_string(client + 1);
}

std::size_t own_index(const std::vector<std::string>& ids, std::size_t client) {
    return ids.empty() ? client : client % ids.size();
}

std::set<std::string> generate_patients(const Scenario& sc, const std::vector<std::string>& ids,
                                        const std::vector<std::size_t>& clients) {
    std::vector<PlannedCall> planned;
    for (const auto c : clients) {
        plan_calls(sc.steps, own_index(ids, c), ids, own_patient(ids, c), planned);
    }
    std::set<std::string> out;
    for (const auto& p : planned) out.insert(p.patient);
    return out;
}

// When a patient has any per-call override, every generate for that patient gets a rule
// (plain ones too), in step order: the mock consumes rules by count, so each call takes
// its own and a plain call does not eat the next one's fault.
json mock_config_for(const Scenario& sc, std::uint64_t default_seed,
                     const std::vector<std::string>& ids,
                     const std::map<std::string, std::string>& names) {
    json config = pacing_json(sc.mock);
    config["seed"] = sc.mock.seed.value_or(default_seed);
    std::vector<PlannedCall> planned;
    for (std::size_t c = 0; c < sc.clients; ++c) {
        plan_calls(sc.steps, own_index(ids, c), ids, own_patient(ids, c), planned);
    }
    std::set<std::string> special;
    for (const auto& p : planned) {
        if (!p.overrides.empty()) special.insert(p.patient);
    }
    json rules = json::array();
    for (const auto& p : planned) {
        if (special.count(p.patient) == 0) continue;
        const auto name = names.find(p.patient);
        if (name == names.end()) {
            throw std::runtime_error("per-call faults need patient names; patient " + p.patient +
                                     " is not in the patients file (pass --patients-csv)");
        }
        json rule = p.overrides;
        rule["match"] = "Name: " + name->second + "\n";
        rule["count"] = 1;
        rules.push_back(rule);
    }
    if (!rules.empty()) config["rules"] = rules;
    return config;
}

}  // namespace harness
