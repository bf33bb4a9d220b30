#pragma once
// The checks of CHECKLIST.md as pure functions of a recorded scenario run (run_record.hpp):
// each one applies its rule to the items it covers (calls, rows, saves) and returns a
// verdict with counts and evidence (which call, which token, expected vs. got). A check that
// has nothing to apply to is skipped with the reason, never passed silently; a step that
// the scenario expected to succeed but that failed is a failed item of every check that
// covers that kind of step.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/run_record.hpp"
#include "reports/report.hpp"

namespace harness {

// The verdict of check `id` (a known_checks() id other than `suite.all_pass`, which is the
// run-level rollup) on `run`. An unknown id, or a run the check cannot decide (e.g. the
// runner did not keep the tokens it needs), gives Status::error.
// Its `seconds` (junit.xml's testcase time) is judged_seconds(run).
reports::CheckResult evaluate_check(const std::string& id, const ScenarioRun& run);

// What a check judges is the scenario's calls: the time from the first request sent to the
// last token, response or failure of any call (0 when no call was sent). Not the check's
// own evaluation time, which is microseconds and would read 0.000 everywhere.
double judged_seconds(const ScenarioRun& run);

// Per-scenario measurements over the successful generate calls, named by the report's metric
// keys (reports::metric_definitions): "ttft", "itl", "relay_lag", "e2e" (ms),
// "tokens_per_s_stream" and "tokens_per_s_total" (tokens/s; the total is one value: all
// tokens over the time from the first request sent to the last token received). Empty when
// the run has no successful generate call.
std::vector<reports::Distribution> scenario_metrics(const ScenarioRun& run);

// Building blocks of the checks, shared by their implementation files and their tests.
namespace checks {

// Tolerance floors. Scenario tolerances are at real scale and scale with time_scale, but
// the machine's own jitter (scheduling, loopback, three processes on two cores) does not
// shrink with it: a scaled tolerance never goes below these (milliseconds, real time).
inline constexpr double kTtftFloorMs = 20;    // stream.realtime: time to first token
inline constexpr double kLagFloorMs = 10;     // stream.realtime: per-token lag p99, span slack
inline constexpr double kStallFloorMs = 200;  // timeout.upstream_stall: lateness of the error
// stream.realtime's span rule applies only to streams the mock emitted over at least this
// long (real ms): below it, jitter is the same size as the span itself.
inline constexpr double kSpanMinMs = 20;
inline constexpr double kSpanRatio = 0.9;         // client span >= 90 % of the mock's span
inline constexpr double kStallEarlySlack = 0.01;  // the error may come 1 % early
inline constexpr double kLongGenerationS = 60;    // timeout.long_generation, real scale
inline constexpr std::size_t kMaxEvidence = 10;   // per check, then "and N more"

// "client 3 steps[2] generate 4 (id 7)": how evidence names a step.
std::string describe(const StepRecord& step);
// The step's patient name: the step's own, else the run's patient table, else "".
std::string patient_name(const ScenarioRun& run, const StepRecord& step);

// The step's matched mock request, nullptr when none (or the index is out of range).
const MockRequest* matched_mock(const ScenarioRun& run, const StepRecord& step);
// True when the call kept every token it received (the runner may keep only counts).
bool tokens_kept(const CallRecord& call);
// True when the call received exactly the mock's tokens, text for text in order: the common
// case, decided without copying either stream (the checks run over every token of a load).
bool same_token_texts(const CallRecord& call, const MockRequest& mock);
// The undecided item of a call whose tokens were not kept (compat, concurrency; the stream
// checks say how many were kept).
reports::Evidence tokens_not_kept(const StepRecord& step);
// The evidence of two token streams that differ at token i: each side's token quoted, or
// "(end of stream)" past its end. The caller adds the detail.
reports::Evidence difference_at(const StepRecord& step, const std::vector<std::string>& want,
                                const std::vector<std::string>& got, std::size_t i);
// The summary in a successful generate call's result, nullopt otherwise.
std::optional<std::string> final_summary(const StepRecord& step);

// A generate call the scenario expected to succeed.
bool expected_ok_generate(const StepRecord& step);
// One the stream checks cover: also upstream streaming, and not cancelled on purpose (a
// cancelled stream is cut short by design).
bool expected_ok_stream(const StepRecord& step);
// For a step a check covers: why the call cannot be judged further, or nullopt. "call
// failed: <failure()>" when it did not succeed; with need_mock, "no mock request matched
// (prompt with Name: <name>)" when the runner found no mock request for it.
std::optional<reports::Evidence> unusable(const ScenarioRun& run, const StepRecord& step,
                                          bool need_mock);

// Per-call rules; an empty result means the call satisfies the rule. They need kept tokens.
// stream.tokens_delivered: as many tokens as the mock emitted, none missing, none extra.
std::vector<reports::Evidence> delivery_problems(const StepRecord& step, const MockRequest& mock);
// stream.order: the mock's order; legacy positions = code points so far, strictly increasing;
// progress strictly increasing.
std::vector<reports::Evidence> order_problems(const StepRecord& step, const MockRequest& mock);
// stream.realtime: TTFT, lag p99 and span (see checks_stream.cpp for the exact bounds).
std::vector<reports::Evidence> realtime_problems(const ScenarioRun& run, const StepRecord& step,
                                                 const MockRequest& mock);

// Counts items and gathers evidence (at most kMaxEvidence, then one "and N more"). The
// verdict carries no id: evaluate_check sets it from the check table.
class Tally {
  public:
    explicit Tally(std::string item_unit);

    void pass() { ++passed_, ++total_; }
    // One failed item with its evidence (one or more pieces).
    void fail(reports::Evidence evidence);
    void fail(std::vector<reports::Evidence> evidence);
    // One item: passed when it has no problems, else failed with them.
    void record(std::vector<reports::Evidence> problems) {
        if (problems.empty()) return pass();
        fail(std::move(problems));
    }
    // An item the check could not decide (a harness problem): Status::error unless some item
    // failed, which is the verdict then.
    void undecided(reports::Evidence evidence);
    void warn(std::string warning) { warnings_.push_back(std::move(warning)); }
    // A covered call that gave the rule nothing to judge (say, no token to order): not an
    // item, so it can neither pass nor fail the check. With no item at all the check is
    // skipped and says why; beside judged items it is a warning.
    void nothing_to_judge(const StepRecord& step, std::string why);
    std::size_t total() const { return total_; }

    // The verdict; skip_reason is the message when there was no item at all.
    reports::CheckResult finish(const std::string& skip_reason) const;

  private:
    void add(reports::Evidence evidence);

    reports::CheckResult result_;
    std::size_t passed_ = 0, total_ = 0, failed_ = 0, undecided_ = 0, dropped_ = 0;
    std::size_t not_judged_ = 0;
    std::string first_problem_, first_not_judged_;
    std::vector<std::string> warnings_;
};

// A verdict with no items, only a status and why (evaluate_check sets the id).
reports::CheckResult verdict(reports::Status status, std::string why);

// Text for evidence: quoted, escaped to one line (\n, \t, control characters, invalid UTF-8
// bytes as \xNN), at most max_chars code points (then "…").
std::string quote(std::string_view text, std::size_t max_chars = 60);
// Evidence comparing two texts: excerpts around the first difference, and where it is.
reports::Evidence text_difference(std::string call, std::string_view expected, std::string_view got,
                                  const std::string& what);
std::string ms_text(double ms);
// One line for an Evidence. first_problem (a check's message): "<call> token i: " then the
// detail, or "expected X, got Y" when there is none. bench (the call is named elsewhere):
// "token i: <detail> (expected X, got Y)", the values whenever there are any.
enum class EvidenceLine { first_problem, bench };
std::string evidence_line(const reports::Evidence& e, EvidenceLine style);
// A failure text (which may span lines) escaped to one line, at most 200 characters.
std::string one_line(std::string_view text);

// The summaries CSV as rows (header first); nullopt and `error` set when it does not parse.
std::optional<std::vector<std::vector<std::string>>> parse_csv(const std::string& text,
                                                               std::string* error);
// The row of `patient_id` (first column) after the header, nullptr when absent.
const std::vector<std::string>* find_row(const std::vector<std::vector<std::string>>& rows,
                                         const std::string& patient_id);

// A save that succeeded in this run: a generate with save=true whose result carried a
// summary, or an update (the text it sent).
struct Save {
    const StepRecord* step = nullptr;
    std::string text;
};
std::vector<Save> successful_saves(const ScenarioRun& run);
// What a patient's row must hold after the run: the save that completed last, plus the saves
// that overlapped it in time (the server may have written those in either order).
struct ExpectedRow {
    std::string patient_id;
    Save last;
    std::vector<std::string> acceptable;  // texts the row may hold, last.text first
};
std::vector<ExpectedRow> expected_rows(const ScenarioRun& run);
// Evidence that the row of `expected.patient_id` in `after` does not hold an acceptable text
// ("prefix of the final summary (N of M chars)", ...), nullopt when it does.
std::optional<reports::Evidence> row_problem(const std::vector<std::vector<std::string>>& after,
                                             const ExpectedRow& expected);
// Judges each expected row against `after` (nullopt: the CSV after the run did not parse,
// `error` says why): a pass, or a failure with row_problem's evidence, its detail after
// `prefix`. csv.complete_saved and concurrency.isolation's no-lost-update part.
void judge_rows(Tally& tally, const std::vector<ExpectedRow>& rows,
                const std::optional<std::vector<std::vector<std::string>>>& after,
                const std::string& error, const std::string& prefix);
// True when some call of the run saved this patient successfully.
bool saved_in_run(const ScenarioRun& run, const std::string& patient_id);
// For a call that must not have saved anything: evidence when the patient's row differs from
// before the run (nullopt when unchanged, or when the CSV is unknown, or when another call
// saved the patient successfully so the row legitimately changed).
std::optional<reports::Evidence> unchanged_row_problem(const ScenarioRun& run,
                                                       const StepRecord& step);

// The same client's first call sent after `step` ended (its response or failure), or nullptr.
const StepRecord* next_call(const ScenarioRun& run, const StepRecord& step);
// Evidence that `next` went unanswered after `what` ("error", "stall") of `step`: the server
// stopped serving the connection.
reports::Evidence stopped_serving(const StepRecord& next, const StepRecord& step,
                                  const std::string& what);
// The call got the outcome its step expected (any error kind for error expectations).
bool served(const StepRecord& step);

// What a check needs from the run beyond its steps and calls: the last column of
// reports/check_table.inc. A check that needs summaries_csv is skipped, without being run,
// when the server's CSV is not reachable (ScenarioRun::summaries_csv_known false).
enum class Needs { steps, mock_log, summaries_csv };

// The checks, one per row of reports/check_table.inc, which names each one's function.
#define MSH_CHECK(id, title, function, needs) reports::CheckResult function(const ScenarioRun& run);
#include "reports/check_table.inc"
#undef MSH_CHECK

// One row of the check table as the harness reads it.
struct CheckDef {
    std::string_view id;
    reports::CheckResult (*decide)(const ScenarioRun&);
    Needs needs;
};
// The rows of reports/check_table.inc, in its order.
std::span<const CheckDef> check_table();
// The row of `id`, nullptr when it has none (suite.all_pass, unknown ids).
const CheckDef* find_check(std::string_view id);

// The scenario's tolerances (a default Scenario when the run has none).
const Scenario& scenario_of(const ScenarioRun& run);

}  // namespace checks
}  // namespace harness
