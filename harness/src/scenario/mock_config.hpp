#pragma once
// The mock-ollama configuration a scenario turns into, built in one place for the two users
// that must agree: the runner, which POSTs it to the mock's /_mock/config, and the scenario
// loader, which asks the mock's own config parser whether it would be accepted, so that
// `validate` refuses exactly what `run` would have the mock refuse.
#include <nlohmann/json.hpp>

#include "harness/scenario.hpp"

namespace harness {

// The pacing keys of `m` (not the seed) as the mock's config and rules spell them.
nlohmann::json pacing_json(const MockSettings& m);

// A step's mock rule without its "match" and "count": its pacing and its fault.
nlohmann::json step_rule_json(const Step& step);

// Throws std::invalid_argument with the mock's message when mock-ollama would refuse `doc`
// as a POST /_mock/config body; applies nothing anywhere.
void check_mock_config(const nlohmann::json& doc);

}  // namespace harness
