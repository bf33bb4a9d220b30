#include "scenario/mock_config.hpp"

#include "mock_ollama/config.hpp"

namespace harness {

using nlohmann::json;

json pacing_json(const MockSettings& m) {
    json j = json::object();
    if (m.ttft_ms) j["ttft_ms"] = *m.ttft_ms;
    if (m.tps) j["tps"] = *m.tps;
    if (m.jitter) j["jitter"] = *m.jitter;
    if (m.tokens) j["tokens"] = *m.tokens;
    if (m.profile) j["profile"] = *m.profile;
    if (m.hostile_rate) j["hostile_rate"] = *m.hostile_rate;
    return j;
}

json step_rule_json(const Step& step) {
    json j = pacing_json(step.pacing);
    if (!step.fault.empty()) j["fault"] = step.fault;
    return j;
}

void check_mock_config(const json& doc) {
    // A scratch copy: the mock's parser validates while it applies.
    mock_ollama::RuntimeConfig scratch;
    mock_ollama::apply_config_json(doc, scratch, nullptr);
}

}  // namespace harness
