// The timeout.* checks: long generations survive every keep-alive and timeout; a stalled
// upstream ends in a clear tool error at the upstream timeout, and the connection lives on.
#include <algorithm>
#include <cstdio>

#include "harness/checks.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;

namespace {

std::string seconds_text(double ms) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.3g s", ms / 1000);
    return buf;
}

double ms_between(std::int64_t from_us, std::int64_t to_us) {
    return static_cast<double>(to_us - from_us) / 1000.0;
}

// "stall:after=5" stalls forever; "stall:after=5,ms=2000" only for a while.
bool stalls_forever(const std::string& fault) {
    return fault.rfind("stall", 0) == 0 && fault.find("ms=") == std::string::npos;
}

// A close seen on the client's connection while the call was in flight (or at an unknown
// time, which cannot be ruled out).
const StepRecord* close_during(const ScenarioRun& run, const StepRecord& step) {
    const std::int64_t from = step.call.sent_wall_us;
    const std::int64_t to = step.call.response_wall_us;
    for (const auto& s : run.steps) {
        if (s.client != step.client || !s.close_code) continue;
        const std::int64_t at = s.closed_wall_us;
        if (at == 0 || (at >= from && (to == 0 || at <= to))) return &s;
    }
    return nullptr;
}

// When the server's upstream timeout started counting (wall µs): when the mock wrote the last
// token (the server cannot have read it earlier; it starts its inactivity timer when it
// does). Without the mock's record, when the last token reached the client; without tokens,
// when the upstream request started (the mock received it), else when the call was sent.
// Not the client's arrival when the mock says: a token relayed late (a loaded machine) would
// make the server's timeout look early by that relay lag.
std::int64_t last_token_wall_us(const StepRecord& step, const MockRequest* mock) {
    const CallRecord& c = step.call;
    if (mock != nullptr && !mock->tokens.empty() && mock->tokens.back().t_us != 0) {
        return mock->tokens.back().t_us;
    }
    if (!c.tokens.empty()) return c.tokens.back().wall_us;
    if (c.token_count > 0 && c.last_token_steady_us != 0) {
        return c.sent_wall_us + (c.last_token_steady_us - c.sent_steady_us);
    }
    return mock != nullptr ? mock->received_us : c.sent_wall_us;
}

}  // namespace

CheckResult timeout_long_generation(const ScenarioRun& run) {
    Tally tally("calls");
    const double threshold_ms = kLongGenerationS * 1000 * run.time_scale;
    double longest_ms = 0;
    for (const auto& step : run.steps) {
        if (!expected_ok_generate(step) || step.cancelled) continue;
        const CallRecord& c = step.call;
        const std::int64_t end =
            c.response_steady_us != 0 ? c.response_steady_us : c.failed_steady_us;
        const double duration_ms = step.is_call && end != 0 ? ms_between(c.sent_steady_us, end) : 0;
        longest_ms = std::max(longest_ms, duration_ms);
        // A generation cut short (say by a keep-alive timeout) did not get to last long: every
        // failed generate counts, whatever its duration.
        const bool failed = !step.is_call || !c.ok();
        if (duration_ms <= threshold_ms && !failed) continue;
        if (failed) {
            auto e = *unusable(run, step, false);
            e.detail += " after " + seconds_text(duration_ms);
            if (const auto* closed = close_during(run, step)) {
                e.detail += "; the connection was closed with code " +
                            std::to_string(*closed->close_code) + " " + quote(closed->close_reason);
            }
            tally.fail(std::move(e));
            continue;
        }
        if (const auto* closed = close_during(run, step)) {
            Evidence e;
            e.call = describe(step);
            e.expected = "no close";
            e.got =
                "close " + std::to_string(*closed->close_code) + " " + quote(closed->close_reason);
            e.detail =
                "the connection was closed during a " + seconds_text(duration_ms) + " generation";
            tally.fail(std::move(e));
            continue;
        }
        tally.pass();
    }
    char scale[32];
    std::snprintf(scale, sizeof scale, "%g", run.time_scale);
    return tally.finish("no generate call lasted longer than 60 s × " + std::string(scale) + " = " +
                        seconds_text(threshold_ms) + " (the longest lasted " +
                        seconds_text(longest_ms) + ")");
}

// Bounds: the tool error arrives no earlier than the last token + the server's upstream
// timeout - 1 %, and no later than the last token + the timeout + max(timeout_tolerance_ms *
// time_scale, 200 ms) (the floor: scheduling jitter of the server's timer and the relay).
CheckResult timeout_upstream_stall(const ScenarioRun& run) {
    Tally tally("calls");
    const Scenario& sc = scenario_of(run);
    const double early_ms = run.ollama_timeout_ms * (1 - kStallEarlySlack);
    const double late_ms =
        run.ollama_timeout_ms + std::max(sc.timeout_tolerance_ms * run.time_scale, kStallFloorMs);
    for (const auto& step : run.steps) {
        if (step.kind != StepKind::generate || !stalls_forever(step.fault)) continue;
        const CallRecord& c = step.call;
        std::vector<Evidence> problems;
        Evidence e;
        e.call = describe(step);
        e.expected = "a tool error (isError) " + ms_text(early_ms) + " to " + ms_text(late_ms) +
                     " after the last token";
        if (!step.is_call || !c.responded()) {
            e.got = "no response";
            e.detail = "call failed: " + (step.is_call ? one_line(c.failure()) : "never sent");
            problems.push_back(e);
        } else if (c.ok()) {
            e.got = "a successful result";
            e.detail = "the stalled call succeeded";
            problems.push_back(e);
        } else if (c.response.contains("error")) {
            e.got = "JSON-RPC error " + c.response["error"].dump();
            e.detail = "a stalled upstream must give a tool error, not a protocol error";
            problems.push_back(e);
        } else {
            const double after_ms =
                ms_between(last_token_wall_us(step, matched_mock(run, step)), c.response_wall_us);
            e.got = "tool error " + ms_text(after_ms) + " after the last token";
            if (after_ms < early_ms) {
                e.detail = "the tool error came early: the upstream timeout is " +
                           ms_text(run.ollama_timeout_ms);
                problems.push_back(e);
            } else if (after_ms > late_ms) {
                e.detail = "the tool error came late: the upstream timeout is " +
                           ms_text(run.ollama_timeout_ms) + ", tolerance " +
                           ms_text(late_ms - run.ollama_timeout_ms);
                problems.push_back(e);
            }
        }
        if (auto saved = unchanged_row_problem(run, step)) problems.push_back(std::move(*saved));
        if (const auto* next = next_call(run, step)) {
            if (!served(*next)) problems.push_back(stopped_serving(*next, step, "stall"));
        } else {
            tally.warn(describe(step) +
                       ": no later call on the connection, so that it still "
                       "answers was not checked");
        }
        tally.record(std::move(problems));
    }
    return tally.finish("no generate call with a stall-forever fault (stall without ms=)");
}

}  // namespace harness::checks
