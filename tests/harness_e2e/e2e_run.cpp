#include "e2e_run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "support/processes.hpp"

namespace harness_e2e {

namespace {

const reports::CheckResult& missing_check() {
    static const reports::CheckResult missing = [] {
        reports::CheckResult r;
        r.status = reports::Status::error;
        r.message = "the scenario does not name this check";
        return r;
    }();
    return missing;
}

}  // namespace

E2eRun run_against(Flaw flaw, std::string_view scenario_json) {
    E2eRun out;
    out.flaw = flaw;
    out.scenario = std::make_unique<harness::Scenario>(
        harness::parse_scenario(scenario_json, "inline-" + std::string(to_string(flaw)) + ".json"));
    const harness::Scenario& sc = *out.scenario;

    test_support::TempDir dir("harness-e2e");
    test_support::MockProcess mock(MOCK_OLLAMA_BIN, {"--time-scale", "0.01"});
    FakeServerOptions fo;
    fo.flaw = flaw;
    fo.ollama_url = mock.base_url();
    fo.data_dir = dir.path() / "data";
    // The runner tells the checks the server's upstream timeout through this field only.
    fo.ollama_timeout = std::chrono::milliseconds(
        static_cast<std::int64_t>(sc.server.ollama_timeout.value_or(120) * 1000 * kTimeScale));
    FakeServer server(fo);

    harness::RunOptions o;
    o.time_scale = kTimeScale;
    o.server_url = server.url();
    o.ollama_url = mock.base_url();
    o.summaries_csv = server.summaries_csv();
    o.patients_csv = server.patients_csv();
    o.work_dir = dir.path() / "work";
    out.output = harness::run_scenario(sc, o);
    for (const auto& id : sc.checks) out.checks[id] = harness::evaluate_check(id, out.output.run);
    if (std::getenv("HARNESS_E2E_VERBOSE") != nullptr) std::cout << out.report();
    return out;
}

const reports::CheckResult& E2eRun::check(const std::string& id) const {
    const auto it = checks.find(id);
    if (it != checks.end()) return it->second;
    ADD_FAILURE() << "scenario " << scenario->name << " does not name check " << id;
    return missing_check();
}

const harness::StepRecord& E2eRun::step(std::string_view path, std::size_t client) const {
    for (const auto& s : output.run.steps) {
        if (s.client == client && s.path == path) return s;
    }
    throw std::out_of_range("no step " + std::string(path) + " of client " +
                            std::to_string(client) + " in the run");
}

std::vector<std::string> E2eRun::mock_tokens(const harness::StepRecord& s) const {
    const auto* mock = harness::checks::matched_mock(output.run, s);
    return mock != nullptr ? mock->token_texts() : std::vector<std::string>{};
}

std::string describe(const reports::Evidence& e) {
    std::string out = e.call;
    if (e.token_index) out += " | token " + std::to_string(*e.token_index);
    if (!e.expected.empty()) out += " | expected " + e.expected;
    if (!e.got.empty()) out += " | got " + e.got;
    if (!e.detail.empty()) out += " | " + e.detail;
    return out;
}

std::string E2eRun::report() const {
    std::ostringstream os;
    os << "flaw " << to_string(flaw) << ", scenario " << scenario->name << " (" << output.seconds
       << " s)\n";
    for (const auto& e : output.run.harness_errors) os << "  harness error: " << e << "\n";
    for (const auto& [id, r] : checks) {
        os << "  " << id << ": " << reports::to_string(r.status);
        if (!r.message.empty()) os << " -- " << r.message;
        os << "\n";
        for (const auto& e : r.evidence) os << "    " << describe(e) << "\n";
        for (const auto& w : r.warnings) os << "    warning: " << w << "\n";
    }
    return os.str();
}

void expect_all_passed(const E2eRun& run) {
    EXPECT_TRUE(run.run().harness_errors.empty()) << run.report();
    for (const auto& [id, r] : run.checks) {
        EXPECT_EQ(r.status, reports::Status::passed) << id << "\n" << run.report();
    }
}

const reports::CheckResult& expect_failed(const E2eRun& run, const std::string& id) {
    EXPECT_TRUE(run.run().harness_errors.empty()) << run.report();
    const auto& r = run.check(id);
    EXPECT_EQ(r.status, reports::Status::failed) << id << "\n" << run.report();
    return r;
}

const reports::Evidence* find_evidence(const reports::CheckResult& result, std::string_view detail,
                                       std::string_view call) {
    for (const auto& e : result.evidence) {
        if (e.detail.find(detail) != std::string::npos && e.call.rfind(call, 0) == 0) return &e;
    }
    return nullptr;
}

double number_after(const std::string& text, std::string_view prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos) return std::nan("");
    const char* start = text.c_str() + at + prefix.size();
    char* end = nullptr;
    const double v = std::strtod(start, &end);
    return end == start ? std::nan("") : v;
}

}  // namespace harness_e2e
