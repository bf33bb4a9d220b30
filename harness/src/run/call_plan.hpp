#pragma once
// The mock configuration of one run: the scenario's pacing and seed, and a rule for every
// generate call of a patient that has a per-call fault or pacing, so that each of those
// calls meets its own behaviour in the mock.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario.hpp"

namespace harness {

// The patient client `client` works on: the client-th of `ids` (file order), or "1", "2",
// ... (the ids mcp-server generates, docs/mcp-server.md) when the patients are unknown.
std::string own_patient(const std::vector<std::string>& ids, std::size_t client);
// Its index in `ids` (the client's own number when the patients are unknown).
std::size_t own_index(const std::vector<std::string>& ids, std::size_t client);

// The patients the generate steps of `clients` (global client indices) work on.
std::set<std::string> generate_patients(const Scenario& scenario,
                                        const std::vector<std::string>& ids,
                                        const std::vector<std::size_t>& clients);

// The body of the mock's POST /_mock/config for `scenario` run by `scenario.clients`
// clients. Rules match a patient's "Name: <name>\n" prompt line, so a patient with per-call
// rules must be in `names` (id -> name): otherwise std::runtime_error.
nlohmann::json mock_config_for(const Scenario& scenario, std::uint64_t default_seed,
                               const std::vector<std::string>& ids,
                               const std::map<std::string, std::string>& names);

}  // namespace harness
