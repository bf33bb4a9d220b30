#pragma once
// Made-up scenario run records for the checks' tests: a generate step with N tokens and the
// mock request that produced them, with consistent times (the mock receives the request
// 2 ms after it was sent, emits the first token after `mock_ttft_ms`, then one every
// `gap_ms`; each token reaches the client `relay_ms` later; the response follows the last
// token by 1 ms), other steps, and the summaries CSV before and after.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/utf8.hpp"
#include "harness/checks.hpp"
#include "harness/metrics.hpp"
#include "harness/run_record.hpp"

namespace harness::testing {

inline constexpr std::int64_t kWallOrigin = 1'700'000'000'000'000;  // µs since the epoch
inline constexpr std::int64_t kSteadyOrigin = 5'000'000;            // µs, this process

inline std::int64_t wall(double ms) {
    return kWallOrigin + static_cast<std::int64_t>(ms * 1000);
}
inline std::int64_t steady(double ms) {
    return kSteadyOrigin + static_cast<std::int64_t>(ms * 1000);
}

struct Generate {
    std::size_t client = 0;
    std::string path = "steps[0]";
    std::string call_id = "1";
    std::string patient_id = "P001";
    std::string patient_name = "Ada Lovelace";
    std::vector<std::string> tokens = {"Patient", " is", " stable", ",", " BP", " 120/80", "."};
    StreamForm form = StreamForm::legacy;
    bool stream_upstream = true;
    bool save = false;
    double sent_ms = 0;
    double mock_ttft_ms = 50;
    double gap_ms = 20;
    double relay_ms = 1;
};

inline nlohmann::json result_response(const std::string& id, const std::string& text,
                                      bool is_error) {
    return {{"jsonrpc", "2.0"},
            {"id", nlohmann::json::parse(id)},
            {"result",
             {{"content", nlohmann::json::array({{{"type", "text"}, {"text", text}}})},
              {"isError", is_error}}}};
}

inline nlohmann::json error_response(const std::string& id, int code, const std::string& message) {
    return {{"jsonrpc", "2.0"},
            {"id", nlohmann::json::parse(id)},
            {"error", {{"code", code}, {"message", message}}}};
}

// The call got `response` at `at_ms`.
inline void respond(CallRecord& call, nlohmann::json response, double at_ms) {
    call.response = std::move(response);
    call.response_steady_us = steady(at_ms);
    call.response_wall_us = wall(at_ms);
}

// The call failed without a response (a transport error or a timeout) at `at_ms`.
inline void fail_transport(CallRecord& call, std::string error, double at_ms) {
    call.response = nullptr;
    call.response_steady_us = 0;
    call.response_wall_us = 0;
    call.error = std::move(error);
    call.failed_steady_us = steady(at_ms);
}

// Recomputes the client-side bookkeeping after a test edited a call's tokens: count,
// first/last arrival, legacy positions and progress values as a correct server sends them.
inline void renumber(CallRecord& call) {
    std::int64_t position = 0;
    for (std::size_t i = 0; i < call.tokens.size(); ++i) {
        auto& t = call.tokens[i];
        position += static_cast<std::int64_t>(common::utf8::code_points(t.text));
        t.position = t.form == StreamForm::legacy ? position : -1;
        t.progress = t.form == StreamForm::progress ? static_cast<double>(i + 1) : -1;
    }
    call.token_count = call.tokens.size();
    call.first_token_steady_us = call.tokens.empty() ? 0 : call.tokens.front().steady_us;
    call.last_token_steady_us = call.tokens.empty() ? 0 : call.tokens.back().steady_us;
}

inline std::string generated_text(const std::string& name, const std::string& id,
                                  const std::string& summary) {
    return "Generated Summary for " + name + " (ID: " + id + "):\n\n" + summary;
}

class RunBuilder {
  public:
    RunBuilder() {
        run_.scenario = &scenario;
        run_.patient_names = {
            {"P001", "Ada Lovelace"}, {"P002", "Alan Turing"}, {"P003", "Grace Hopper"}};
        before = {{"patient_id", "name", "summary"},
                  {"P001", "Ada Lovelace", ""},
                  {"P002", "Alan Turing", ""},
                  {"P003", "Grace Hopper", "Earlier summary, \"quoted\"\nsecond line"}};
        after = before;
    }

    Scenario scenario;
    std::vector<common::csv::Row> before, after;  // written to the run by run()

    // A successful generate call and its mock request. The reference is valid until the next
    // step is added.
    StepRecord& generate(const Generate& g) {
        MockRequest m;
        m.id = run_.mock_requests.size() + 1;
        m.endpoint = "/api/generate";
        m.model = "llama3.2";
        m.prompt = "Summarize this patient.\nName: " + g.patient_name + "\nAge: 36\n";
        m.outcome = "completed";
        m.done_reason = "stop";
        m.stream = g.stream_upstream;
        m.status = 200;
        const double received_ms = g.sent_ms + 2;
        m.received_us = wall(received_ms);
        StepRecord s;
        s.client = g.client;
        s.path = g.path;
        s.kind = StepKind::generate;
        s.patient_id = g.patient_id;
        s.patient_name = g.patient_name;
        s.used_form = g.form;
        s.used_stream_upstream = g.stream_upstream;
        s.save = g.save;
        s.is_call = true;
        CallRecord& c = s.call;
        c.id = g.call_id;
        c.method = "tools/call";
        if (g.form == StreamForm::progress) c.progress_token = "\"p" + g.call_id + "\"";
        c.queued_steady_us = steady(g.sent_ms);
        c.sent_steady_us = steady(g.sent_ms);
        c.sent_wall_us = wall(g.sent_ms);
        double last_ms = received_ms + g.mock_ttft_ms;
        std::string text;
        for (std::size_t i = 0; i < g.tokens.size(); ++i) {
            const double emitted_ms = received_ms + g.mock_ttft_ms + g.gap_ms * i;
            m.tokens.push_back({i, g.tokens[i], wall(emitted_ms), wall(emitted_ms)});
            text += g.tokens[i];
            if (!g.stream_upstream) continue;
            TokenArrival t;
            t.steady_us = steady(emitted_ms + g.relay_ms);
            t.wall_us = wall(emitted_ms + g.relay_ms);
            t.text = g.tokens[i];
            t.form = g.form;
            c.tokens.push_back(std::move(t));
            last_ms = emitted_ms + g.relay_ms;
        }
        m.text = text;
        renumber(c);
        respond(
            c,
            result_response(g.call_id,
                            generated_text(g.patient_name, g.patient_id, trim_ascii(text)), false),
            last_ms + 1);
        s.mock_request = run_.mock_requests.size();
        run_.mock_requests.push_back(std::move(m));
        run_.steps.push_back(std::move(s));
        if (g.save) set_summary(after, g.patient_id, trim_ascii(text));
        return run_.steps.back();
    }

    // Any other step, a call sent at `sent_ms` and answered `response` 5 ms later.
    StepRecord& call(StepKind kind, std::size_t client, std::string path, std::string id,
                     double sent_ms, nlohmann::json response) {
        StepRecord s;
        s.client = client;
        s.path = std::move(path);
        s.kind = kind;
        s.is_call = true;
        s.call.id = std::move(id);
        s.call.method = kind == StepKind::ping ? "ping" : "tools/call";
        s.call.sent_steady_us = steady(sent_ms);
        s.call.sent_wall_us = wall(sent_ms);
        respond(s.call, std::move(response), sent_ms + 5);
        run_.steps.push_back(std::move(s));
        return run_.steps.back();
    }

    StepRecord& ping(std::size_t client, std::string path, std::string id, double sent_ms) {
        return call(StepKind::ping, client, std::move(path), id, sent_ms,
                    {{"jsonrpc", "2.0"}, {"id", nlohmann::json::parse(id)}, {"result", {}}});
    }

    // A successful update_patient_summary, saving `summary`.
    StepRecord& update(std::size_t client, std::string path, std::string id, double sent_ms,
                       const std::string& patient_id, const std::string& summary) {
        const std::string name = run_.patient_names[patient_id];
        StepRecord& s =
            call(StepKind::update, client, std::move(path), id, sent_ms,
                 result_response(id,
                                 "✓ Summary for Patient ID " + patient_id + " (" + name +
                                     ") has been saved.\n\nSummary (" +
                                     std::to_string(summary.size()) + " characters):\n" + summary,
                                 false));
        s.patient_id = patient_id;
        s.patient_name = name;
        s.summary = summary;
        set_summary(after, patient_id, summary);
        return s;
    }

    static void set_summary(std::vector<common::csv::Row>& rows, const std::string& id,
                            const std::string& summary) {
        for (auto& row : rows) {
            if (!row.empty() && row[0] == id) row[2] = summary;
        }
    }

    // The record itself, to edit what the helpers above do not cover.
    ScenarioRun& record() { return run_; }

    // The record, with the CSVs encoded from `before` and `after` and the scenario pointer
    // current (a test that needs other CSV bytes sets them on record() after this call).
    const ScenarioRun& run() {
        run_.scenario = &scenario;
        run_.summaries_csv_before = common::csv::encode(before);
        run_.summaries_csv_after = common::csv::encode(after);
        return run_;
    }

  private:
    ScenarioRun run_;
};

// The single piece of evidence of a failed check (or the first one).
inline const reports::Evidence& first_evidence(const reports::CheckResult& r) {
    static const reports::Evidence none;
    return r.evidence.empty() ? none : r.evidence.front();
}

}  // namespace harness::testing
