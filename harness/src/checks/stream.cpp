// The stream.* checks: each streaming generate call against the mock request that produced
// its tokens (what the mock emitted, in which order, and when).
#include <algorithm>
#include <cmath>
#include <map>

#include "common/utf8.hpp"
#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;

namespace {

constexpr const char* kNoStreamingCall =
    "no streaming generate call (stream_upstream) that the scenario expected to succeed";

std::vector<std::string> client_texts(const CallRecord& call) {
    std::vector<std::string> out;
    out.reserve(call.tokens.size());
    for (const auto& t : call.tokens) out.push_back(t.text);
    return out;
}

// True when `small` can be had from `big` by deleting elements (order kept).
bool subsequence(const std::vector<std::string>& small, const std::vector<std::string>& big) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < big.size() && j < small.size(); ++i) {
        if (big[i] == small[j]) ++j;
    }
    return j == small.size();
}

std::size_t first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const auto m = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    return static_cast<std::size_t>(m.first - a.begin());
}

Evidence not_kept(const StepRecord& step) {
    Evidence e;
    e.call = describe(step);
    e.detail = "the runner kept " + std::to_string(step.call.tokens.size()) + " of " +
               std::to_string(step.call.token_count) + " token texts: the stream cannot be checked";
    return e;
}

std::string number(double v) {
    if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    return std::to_string(v);
}

}  // namespace

std::vector<Evidence> delivery_problems(const StepRecord& step, const MockRequest& mock) {
    const CallRecord& c = step.call;
    if (tokens_kept(c) && same_token_texts(c, mock)) return {};
    const std::vector<std::string> want = mock.token_texts();
    const std::size_t got_count = c.token_count;
    if (!tokens_kept(c)) {
        if (got_count == want.size()) return {};
        Evidence e;
        e.call = describe(step);
        e.expected = std::to_string(want.size()) + " tokens";
        e.got = std::to_string(got_count) + " tokens";
        e.detail = "the mock emitted " + e.expected + ", the client received " + e.got;
        return {e};
    }
    const std::vector<std::string> got = client_texts(c);
    // Missing and extra by text, whatever the order (stream.order judges the order).
    std::map<std::string, long> balance;
    for (const auto& t : want) ++balance[t];
    for (const auto& t : got) --balance[t];
    long missing = 0, extra = 0;
    for (const auto& [text, n] : balance) (n > 0 ? missing : extra) += std::abs(n);
    if (missing == 0 && extra == 0) return {};
    const std::size_t i = first_difference(want, got);
    Evidence e = difference_at(step, want, got, i);
    e.detail = "the mock emitted " + std::to_string(want.size()) + " tokens, the client received " +
               std::to_string(got.size()) + ": " + std::to_string(missing) + " missing, " +
               std::to_string(extra) + " extra; first difference at token " + std::to_string(i);
    return {e};
}

std::vector<Evidence> order_problems(const StepRecord& step, const MockRequest& mock) {
    std::vector<Evidence> out;
    const CallRecord& c = step.call;
    // Tokens only missing or only extra keep the order of those present: that is
    // stream.tokens_delivered's verdict, not this one's.
    if (!same_token_texts(c, mock)) {
        const std::vector<std::string> want = mock.token_texts();
        const std::vector<std::string> got = client_texts(c);
        if (!subsequence(got, want) && !subsequence(want, got)) {
            const std::size_t i = first_difference(want, got);
            Evidence e = difference_at(step, want, got, i);
            e.detail = "token texts out of the mock's emission order";
            if (i < got.size()) {
                const auto j = std::find(want.begin(), want.end(), got[i]);
                if (j != want.end() && j - want.begin() != static_cast<std::ptrdiff_t>(i)) {
                    e.detail += ": the client's token " + std::to_string(i) +
                                " is the mock's token " + std::to_string(j - want.begin());
                }
            }
            out.push_back(std::move(e));
        }
    }
    std::size_t code_points = 0, bytes = 0;
    std::int64_t last_position = -1;
    double last_progress = -1;
    bool position_reported = false, progress_reported = false;
    for (std::size_t i = 0; i < c.tokens.size(); ++i) {
        const TokenArrival& t = c.tokens[i];
        code_points += common::utf8::code_points(t.text);
        bytes += t.text.size();
        Evidence e;  // its call is named only when it is kept: this loop runs per token
        e.token_index = i;
        if (t.form == StreamForm::legacy && !position_reported) {
            e.expected = "position " + std::to_string(code_points);
            e.got = t.position < 0 ? "no position" : "position " + std::to_string(t.position);
            if (t.position < 0) {
                e.detail = "a stream_token frame without a position";
            } else if (static_cast<std::size_t>(t.position) != code_points) {
                e.detail = static_cast<std::size_t>(t.position) == bytes && bytes != code_points
                               ? "position counts bytes, not code points, of the text so far"
                               : "position is not the code-point length of the text so far";
            } else if (t.position <= last_position) {
                e.expected = "position > " + std::to_string(last_position);
                e.detail = "position does not increase";
            }
            if (!e.detail.empty()) {
                position_reported = true;
                e.call = describe(step);
                out.push_back(e);
            }
            last_position = std::max(last_position, t.position);
        }
        if (t.form == StreamForm::progress && !progress_reported) {
            if (t.progress < 0 || t.progress <= last_progress) {
                e.expected = "progress > " + number(last_progress < 0 ? 0 : last_progress);
                e.got = t.progress < 0 ? "no progress" : "progress " + number(t.progress);
                e.detail = t.progress < 0 ? "a progress notification without progress"
                                          : "progress does not increase";
                progress_reported = true;
                e.call = describe(step);
                out.push_back(std::move(e));
            }
            last_progress = std::max(last_progress, t.progress);
        }
    }
    return out;
}

// Bounds, per call (tolerances from the scenario are at real scale, times time_scale, never
// below the floors in checks.hpp):
//   TTFT (first token's wall arrival - request sent, client clock) <= the mock's first-token
//     delay (first t_us - received_us) + max(ttft_tolerance_ms * scale, 20 ms);
//   nearest-rank p99 of the per-token lag (client wall_us - mock t_us, same index)
//     <= max(lag_p99_tolerance_ms * scale, 10 ms);
//   when the mock emitted over >= 20 ms: client span (last - first arrival, steady clock)
//     >= the mock's span minus max(10 % of it, 10 ms). The 10 ms floor keeps relay jitter on
//     short streams from failing a relay that forwards each token at once, and a stream
//     batched at the end (its span near 0) still fails.
std::vector<Evidence> realtime_problems(const ScenarioRun& run, const StepRecord& step,
                                        const MockRequest& mock) {
    std::vector<Evidence> out;
    const CallRecord& c = step.call;
    if (c.tokens.empty() || mock.tokens.empty()) return out;
    const Scenario& sc = scenario_of(run);
    const double ttft_tol = std::max(sc.ttft_tolerance_ms * run.time_scale, kTtftFloorMs);
    const double lag_tol = std::max(sc.lag_p99_tolerance_ms * run.time_scale, kLagFloorMs);
    const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };

    const double ttft = ms(c.tokens.front().wall_us - c.sent_wall_us);
    const double mock_ttft = ms(mock.tokens.front().t_us - mock.received_us);
    if (ttft > mock_ttft + ttft_tol) {
        Evidence e;
        e.call = describe(step);
        e.token_index = 0;
        e.expected = "TTFT <= " + ms_text(mock_ttft + ttft_tol);
        e.got = "TTFT " + ms_text(ttft);
        e.detail = "the first token came too late: the mock's first-token delay " +
                   ms_text(mock_ttft) + " + tolerance " + ms_text(ttft_tol);
        out.push_back(std::move(e));
    }

    const std::size_t n = std::min(c.tokens.size(), mock.tokens.size());
    std::vector<double> lags(n);
    for (std::size_t i = 0; i < n; ++i) lags[i] = ms(c.tokens[i].wall_us - mock.tokens[i].t_us);
    const auto worst = std::max_element(lags.begin(), lags.end());
    std::vector<double> sorted = lags;
    std::sort(sorted.begin(), sorted.end());
    const double p99 = percentile_sorted(sorted, 0.99);
    if (p99 > lag_tol) {
        Evidence e;
        e.call = describe(step);
        e.token_index = static_cast<std::size_t>(worst - lags.begin());
        e.expected = "lag p99 <= " + ms_text(lag_tol);
        e.got = "lag p99 " + ms_text(p99);
        e.detail = "tokens reached the client late after the mock emitted them (max " +
                   ms_text(*worst) + " at token " + std::to_string(*e.token_index) + ")";
        out.push_back(std::move(e));
    }

    const double mock_span = ms(mock.tokens.back().t_us - mock.tokens.front().t_us);
    if (mock_span >= kSpanMinMs) {
        const double span = ms(c.tokens.back().steady_us - c.tokens.front().steady_us);
        const double required = mock_span - std::max(mock_span * (1 - kSpanRatio), kLagFloorMs);
        if (span < required) {
            Evidence e;
            e.call = describe(step);
            e.expected = "client span >= " + ms_text(required);
            e.got = "client span " + ms_text(span);
            e.detail = "tokens batched: the mock emitted them over " + ms_text(mock_span) +
                       ", the client received them over " + ms_text(span);
            out.push_back(std::move(e));
        }
    }
    return out;
}

namespace {

// The stream checks' walk: every streaming call they cover; one that cannot be judged (failed,
// no mock request) fails the check, the others go to `judge` with their mock request.
template <class Judge>
void each_stream(const ScenarioRun& run, Tally& tally, Judge judge) {
    for (const auto& step : run.steps) {
        if (!expected_ok_stream(step)) continue;
        if (auto e = unusable(run, step, true)) {
            tally.fail(std::move(*e));
            continue;
        }
        judge(step, *matched_mock(run, step));
    }
}

}  // namespace

CheckResult stream_upstream_streaming(const ScenarioRun& run) {
    Tally tally("calls");
    each_stream(run, tally, [&](const StepRecord& step, const MockRequest& mock) {
        const CallRecord& c = step.call;
        std::vector<Evidence> problems;
        Evidence e;
        e.call = describe(step);
        if (!mock.stream) {
            e.expected = "stream: true";
            e.got = "stream: false";
            e.detail = "the server asked Ollama for one whole response, not a stream";
            problems.push_back(e);
        }
        std::int64_t first = c.first_token_steady_us;
        if (first == 0 && !c.tokens.empty()) first = c.tokens.front().steady_us;
        if (c.token_count == 0 || first == 0) {
            e.expected = ">= 1 token before the final response";
            e.got = "0 tokens";
            e.detail = "no token message reached the client";
            problems.push_back(e);
        } else if (first >= c.response_steady_us) {
            e.expected = "first token before the final response";
            e.got = "first token " +
                    ms_text(static_cast<double>(first - c.response_steady_us) / 1000) + " after it";
            e.detail = "no token message reached the client before the final response";
            problems.push_back(e);
        }
        tally.record(std::move(problems));
    });
    return tally.finish(kNoStreamingCall);
}

CheckResult stream_tokens_delivered(const ScenarioRun& run) {
    Tally tally("calls");
    each_stream(run, tally, [&](const StepRecord& step, const MockRequest& mock) {
        if (mock.tokens.empty() && step.call.token_count == 0) {
            return tally.nothing_to_judge(step, "the mock emitted no token and none arrived");
        }
        tally.record(delivery_problems(step, mock));
    });
    return tally.finish(kNoStreamingCall);
}

CheckResult stream_realtime(const ScenarioRun& run) {
    Tally tally("calls");
    each_stream(run, tally, [&](const StepRecord& step, const MockRequest& mock) {
        if (mock.tokens.empty()) return;  // nothing was emitted, nothing to time
        if (!tokens_kept(step.call)) return tally.undecided(not_kept(step));
        if (step.call.tokens.empty()) {
            Evidence e;
            e.call = describe(step);
            e.expected = std::to_string(mock.tokens.size()) + " tokens in real time";
            e.got = "0 tokens";
            e.detail = "no token message reached the client";
            return tally.fail(std::move(e));
        }
        tally.record(realtime_problems(run, step, mock));
    });
    return tally.finish(std::string(kNoStreamingCall) + " with tokens emitted by the mock");
}

CheckResult stream_order(const ScenarioRun& run) {
    Tally tally("calls");
    each_stream(run, tally, [&](const StepRecord& step, const MockRequest& mock) {
        if (!tokens_kept(step.call)) return tally.undecided(not_kept(step));
        // No token, no order (a missing token is stream.tokens_delivered's failure).
        if (step.call.tokens.empty()) return tally.nothing_to_judge(step, "no token arrived");
        tally.record(order_problems(step, mock));
    });
    return tally.finish(kNoStreamingCall);
}

namespace {

// The id in "Generated Summary for <name> (ID: <id>):\n\n".
std::string result_patient_id(const std::string& text) {
    const auto at = text.find(" (ID: ");
    if (at == std::string::npos) return {};
    const auto end = text.find("):\n\n", at);
    if (end == std::string::npos) return {};
    return text.substr(at + 6, end - at - 6);
}

}  // namespace

CheckResult stream_final_matches(const ScenarioRun& run) {
    Tally tally("calls");
    for (const auto& step : run.steps) {
        if (!expected_ok_generate(step) || step.cancelled) continue;
        if (auto e = unusable(run, step, true)) {
            tally.fail(std::move(*e));
            continue;
        }
        const MockRequest& mock = *matched_mock(run, step);
        const CallRecord& c = step.call;
        const std::string text = c.result_text();
        const auto summary = summary_from_result(text);
        if (!summary) {
            Evidence e;
            e.call = describe(step);
            e.expected = quote("Generated Summary for " + patient_name(run, step) +
                               " (ID: " + step.patient_id + "):\n\n…");
            e.got = quote(text);
            e.detail = "the result text is not a generate_summary result";
            tally.fail(std::move(e));
            continue;
        }
        std::vector<Evidence> problems;
        if (const auto id = result_patient_id(text);
            !step.patient_id.empty() && id != step.patient_id) {
            Evidence e;
            e.call = describe(step);
            e.expected = "ID: " + step.patient_id;
            e.got = "ID: " + id;
            e.detail = "the result is for another patient";
            problems.push_back(std::move(e));
        }
        // Non-streaming calls have no tokens to compare; the mock's text is the reference.
        bool undecided = false;
        if (step.used_stream_upstream) {
            if (tokens_kept(c)) {
                const std::string streamed = trim_ascii(c.streamed_text());
                if (*summary != streamed) {
                    problems.push_back(text_difference(describe(step), streamed, *summary,
                                                       "the trimmed stream and the summary"));
                }
            } else {
                undecided = true;
            }
        }
        const std::string mock_text = trim_ascii(mock.text);
        if (*summary != mock_text) {
            problems.push_back(text_difference(describe(step), mock_text, *summary,
                                               "the mock's trimmed text and the summary"));
        }
        if (!problems.empty()) {
            tally.fail(std::move(problems));
        } else if (undecided) {
            tally.undecided(not_kept(step));
        } else {
            tally.pass();
        }
    }
    return tally.finish("no generate call that the scenario expected to succeed");
}

}  // namespace harness::checks
