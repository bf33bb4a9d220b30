#include "shard/shard_run.hpp"

#include "common/clock.hpp"
#include "harness/clock_probe.hpp"
#include "harness/shard.hpp"
#include "run/call_plan.hpp"
#include "shard/start_at.hpp"

namespace harness {

std::vector<std::string> own_prompt_lines(const Scenario& sc, const std::vector<std::string>& ids,
                                          const std::map<std::string, std::string>& names) {
    std::vector<std::string> lines;
    for (const auto& patient : generate_patients(sc, ids, clients_to_run(sc))) {
        const auto name = names.find(patient);
        if (name == names.end()) return {};
        // The line the server's summary prompt names the patient with (core/src/mcp/tools.cpp).
        lines.push_back("Name: " + name->second);
    }
    return lines;
}

LogSlice before_clients(const Scenario& sc, const RunOptions& o, const MockAdmin& admin,
                        const std::string& mock_url, const std::vector<std::string>& ids,
                        ScenarioRun& run, const std::function<void(const std::string&)>& say) {
    LogSlice slice;
    if (sc.shard || o.start_at_us) {
        run.mock_clock = probe_clock(admin, mock_url);
        say("mock clock offset " + std::to_string(run.mock_clock->offset_us) + " us +- " +
            std::to_string(run.mock_clock->uncertainty_us) + " us");
    }
    if (o.shared_mock) {
        // Other shards' requests, and earlier runs' on a long-lived mock, are not ours: the
        // log is read from here on, and only our own patients' part of it.
        slice.since = admin.clock().last_id;
        slice.prompt_lines = own_prompt_lines(sc, ids, run.patient_names);
        if (slice.prompt_lines.empty()) {
            say("the patients' names are unknown (pass --patients-csv): reading the shared "
                "mock's whole request log");
        }
    }
    if (o.start_at_us) {
        say("clients start at " + common::rfc3339_micros(*o.start_at_us));
        run.start_late_us = wait_until_wall(*o.start_at_us);
    }
    return slice;
}

}  // namespace harness
