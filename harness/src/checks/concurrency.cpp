// concurrency.isolation: with many clients and several calls in flight per connection, each
// call gets exactly its own upstream request's tokens (no cross-talk), and every save lands.
#include <algorithm>
#include <map>

#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;

namespace {

// Where a token that is not the call's own came from: another mock request with this text,
// preferably at the same index, preferably the one emitted closest to its arrival.
std::string foreign_source(const ScenarioRun& run,
                           const std::map<std::size_t, const StepRecord*>& owners, std::size_t own,
                           const TokenArrival& token, std::size_t index) {
    long best = -1;
    bool best_same_index = false;
    std::int64_t best_gap = 0;
    std::size_t best_token = 0;
    for (std::size_t k = 0; k < run.mock_requests.size(); ++k) {
        if (k == own) continue;
        const auto& tokens = run.mock_requests[k].tokens;
        for (std::size_t j = 0; j < tokens.size(); ++j) {
            if (tokens[j].text != token.text) continue;
            const bool same_index = j == index;
            const std::int64_t gap = std::llabs(token.wall_us - tokens[j].t_us);
            if (best < 0 || (same_index && !best_same_index) ||
                (same_index == best_same_index && gap < best_gap)) {
                best = static_cast<long>(k);
                best_same_index = same_index;
                best_gap = gap;
                best_token = j;
            }
        }
    }
    if (best < 0) {
        // Not another call's token: the call's own, out of place, is not corruption (a call
        // that lost a token to another call gets its next own token here).
        const auto& mine = run.mock_requests[own].tokens;
        long nearest = -1;
        for (std::size_t j = 0; j < mine.size(); ++j) {
            if (j == index || mine[j].text != token.text) continue;
            const auto distance = [index](std::size_t x) {
                return x > index ? x - index : index - x;
            };
            if (nearest < 0 || distance(j) < distance(static_cast<std::size_t>(nearest))) {
                nearest = static_cast<long>(j);
            }
        }
        if (nearest >= 0) {
            return "the call's own token " + std::to_string(nearest) + " arrived as token " +
                   std::to_string(index) + ": a token of its own is missing or out of order";
        }
        return "the token is in no mock request's output (corrupted)";
    }
    const auto k = static_cast<std::size_t>(best);
    std::string out = "cross-talk: the token is token " + std::to_string(best_token) +
                      " of mock request #" + std::to_string(run.mock_requests[k].id);
    if (const auto it = owners.find(k); it != owners.end()) out += ", " + describe(*it->second);
    return out;
}

using Owners = std::map<std::size_t, const StepRecord*>;  // mock request index -> its call

// One generate call with kept tokens and a matched mock request: only its own tokens, in
// order (all of them when it succeeded as expected, else a prefix), and without tokens
// (upstream stream: false) its own text as the summary.
std::vector<Evidence> isolation_problems(const ScenarioRun& run, const Owners& owners,
                                         const StepRecord& step, const MockRequest& mock,
                                         bool expected_ok) {
    const CallRecord& c = step.call;
    const bool whole = expected_ok && c.ok();
    std::vector<Evidence> problems;
    if (!same_token_texts(c, mock)) {
        const std::vector<std::string> want = mock.token_texts();
        std::vector<std::string> got;
        for (const auto& t : c.tokens) got.push_back(t.text);
        const bool fine =
            !whole && got.size() <= want.size() && std::equal(got.begin(), got.end(), want.begin());
        if (!fine) {
            const auto m = std::mismatch(want.begin(), want.end(), got.begin(), got.end());
            const auto i = static_cast<std::size_t>(m.first - want.begin());
            Evidence e = difference_at(step, want, got, i);
            e.detail = i < got.size()
                           ? foreign_source(run, owners, *step.mock_request, c.tokens[i], i)
                           : "the stream ended before the call's own tokens did";
            problems.push_back(std::move(e));
        }
    }
    if (whole && !step.used_stream_upstream) {
        const auto summary = final_summary(step);
        const std::string own = trim_ascii(mock.text);
        if (summary && *summary != own) {
            problems.push_back(text_difference(describe(step), own, *summary,
                                               "the call's own mock text and its summary"));
        }
    }
    return problems;
}

}  // namespace

CheckResult concurrency_isolation(const ScenarioRun& run) {
    Tally tally("items");
    Owners owners;
    for (const auto& step : run.steps) {
        if (step.kind == StepKind::generate && step.mock_request)
            owners[*step.mock_request] = &step;
    }
    for (const auto& step : run.steps) {
        if (step.kind != StepKind::generate) continue;
        const bool expected_ok = step.expect == Expect::ok && !step.cancelled;
        if (expected_ok) {
            if (auto e = unusable(run, step, true)) {
                tally.fail(std::move(*e));
                continue;
            }
        }
        const MockRequest* mock = matched_mock(run, step);
        // A call expected to fail may never have reached the upstream; one that did must
        // still see only its own tokens.
        if (mock == nullptr || !step.is_call) continue;
        if (!tokens_kept(step.call)) {
            tally.undecided(tokens_not_kept(step));
            continue;
        }
        // No token either way on a streamed call: no token could have crossed over (a
        // non-streamed call still has its summary to judge).
        if (mock->tokens.empty() && step.call.token_count == 0 && step.used_stream_upstream) {
            tally.nothing_to_judge(step, "the mock emitted no token and none arrived");
            continue;
        }
        tally.record(isolation_problems(run, owners, step, *mock, expected_ok));
    }
    // Every save landed: no lost update.
    const auto rows = expected_rows(run);
    if (!run.summaries_csv_known) {
        if (!rows.empty()) {
            tally.warn("the server's summaries CSV is not reachable (pass --summaries-csv): " +
                       std::to_string(rows.size()) + " saved rows were not checked");
        }
    } else {
        std::string error;
        const auto after = parse_csv(run.summaries_csv_after, &error);
        judge_rows(tally, rows, after, error, "the save did not land: ");
    }
    return tally.finish("no generate call reached the mock and nothing was saved");
}

}  // namespace harness::checks
