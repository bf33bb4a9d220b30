// What the checks share: naming steps in evidence, the preconditions of a covered call,
// counting items, text excerpts for evidence, and the saves and rows of the summaries CSV.
#include <algorithm>
#include <cstdio>
#include <map>

#include "common/csv.hpp"
#include "common/utf8.hpp"
#include "harness/checks.hpp"
#include "harness/metrics.hpp"
#include "reports/visible.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;
using reports::Status;

namespace {

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Evidence is data, escaped only where it would break the line: see reports/visible.hpp.
reports::VisibleStyle evidence_style(std::size_t max_chars, bool quotes) {
    reports::VisibleStyle style;
    style.controls = reports::VisibleStyle::Controls::ascii_hex;
    style.escape_quotes = quotes;
    style.max_chars = max_chars;
    return style;
}

std::string summary_of(const Evidence& e) {
    std::string out = e.call;
    if (e.token_index) out += (out.empty() ? "token " : " token ") + std::to_string(*e.token_index);
    if (!out.empty()) out += ": ";
    if (!e.detail.empty()) {
        out += e.detail;
    } else {
        out += "expected " + e.expected + ", got " + e.got;
    }
    return out;
}

std::int64_t ended_steady_us(const CallRecord& call) {
    if (call.response_steady_us != 0) return call.response_steady_us;
    if (call.failed_steady_us != 0) return call.failed_steady_us;
    return call.sent_steady_us;
}

// When the call was made: sent; else handed to a client that was not connected any more
// (queued, never sent); else failed before reaching the client (the connection had closed).
// A call never sent after a server closed the connection is the very call that shows it.
std::int64_t started_steady_us(const CallRecord& call) {
    if (call.sent_steady_us != 0) return call.sent_steady_us;
    if (call.queued_steady_us != 0) return call.queued_steady_us;
    return call.failed_steady_us;
}

}  // namespace

const Scenario& scenario_of(const ScenarioRun& run) {
    static const Scenario defaults;
    return run.scenario != nullptr ? *run.scenario : defaults;
}

std::string describe(const StepRecord& step) {
    std::string out = "client " + std::to_string(step.client);
    if (!step.path.empty()) out += " " + step.path;
    out += " ";
    out += to_string(step.kind);
    if (!step.patient_id.empty() && (step.kind == StepKind::generate ||
                                     step.kind == StepKind::get || step.kind == StepKind::update)) {
        out += " " + step.patient_id;
    }
    if (step.is_call && !step.call.id.empty()) out += " (id " + step.call.id + ")";
    return out;
}

std::string patient_name(const ScenarioRun& run, const StepRecord& step) {
    if (!step.patient_name.empty()) return step.patient_name;
    const auto it = run.patient_names.find(step.patient_id);
    return it == run.patient_names.end() ? std::string() : it->second;
}

const MockRequest* matched_mock(const ScenarioRun& run, const StepRecord& step) {
    if (!step.mock_request || *step.mock_request >= run.mock_requests.size()) return nullptr;
    return &run.mock_requests[*step.mock_request];
}

bool tokens_kept(const CallRecord& call) {
    return call.tokens.size() == call.token_count;
}

Evidence tokens_not_kept(const StepRecord& step) {
    Evidence e;
    e.call = describe(step);
    e.detail = "the runner did not keep the token texts: the stream cannot be checked";
    return e;
}

Evidence difference_at(const StepRecord& step, const std::vector<std::string>& want,
                       const std::vector<std::string>& got, std::size_t i) {
    const auto token_or_end = [i](const std::vector<std::string>& texts) {
        return i < texts.size() ? quote(texts[i]) : std::string("(end of stream)");
    };
    Evidence e;
    e.call = describe(step);
    e.token_index = i;
    e.expected = token_or_end(want);
    e.got = token_or_end(got);
    return e;
}

std::optional<std::string> final_summary(const StepRecord& step) {
    if (!step.is_call || !step.call.ok()) return std::nullopt;
    return summary_from_result(step.call.result_text());
}

bool expected_ok_generate(const StepRecord& step) {
    return step.kind == StepKind::generate && step.expect == Expect::ok;
}

bool expected_ok_stream(const StepRecord& step) {
    return expected_ok_generate(step) && step.stream_upstream && !step.cancelled;
}

std::optional<Evidence> unusable(const ScenarioRun& run, const StepRecord& step, bool need_mock) {
    Evidence e;
    e.call = describe(step);
    if (!step.is_call) {
        e.detail = "call failed: the request was never sent";
        return e;
    }
    if (!step.call.ok()) {
        e.detail = "call failed: " + one_line(step.call.failure());
        return e;
    }
    if (need_mock && matched_mock(run, step) == nullptr) {
        e.detail = "no mock request matched (prompt with Name: " + patient_name(run, step) + ")";
        return e;
    }
    return std::nullopt;
}

// ---- Tally ----

Tally::Tally(std::string item_unit) {
    result_.item_unit = std::move(item_unit);
}

void Tally::add(Evidence evidence) {
    if (first_problem_.empty()) first_problem_ = summary_of(evidence);
    if (result_.evidence.size() < kMaxEvidence) {
        result_.evidence.push_back(std::move(evidence));
    } else {
        ++dropped_;
    }
}

void Tally::fail(Evidence evidence) {
    ++failed_, ++total_;
    add(std::move(evidence));
}

void Tally::fail(std::vector<Evidence> evidence) {
    ++failed_, ++total_;
    for (auto& e : evidence) add(std::move(e));
}

void Tally::undecided(Evidence evidence) {
    ++undecided_, ++total_;
    add(std::move(evidence));
}

CheckResult Tally::finish(const std::string& skip_reason) const {
    CheckResult r = result_;
    r.warnings = warnings_;
    r.passed_items = passed_;
    r.total_items = total_;
    if (total_ == 0) {
        r.status = Status::skipped;
        r.message = skip_reason;
        return r;
    }
    if (dropped_ > 0) {
        Evidence more;
        more.detail = "and " + std::to_string(dropped_) + " more";
        r.evidence.push_back(std::move(more));
    }
    const std::string counts = std::to_string(failed_ > 0 ? failed_ : undecided_) + " of " +
                               std::to_string(total_) + " " + r.item_unit;
    if (failed_ > 0) {
        r.status = Status::failed;
        r.message = counts + " failed; first: " + first_problem_;
    } else if (undecided_ > 0) {
        r.status = Status::error;
        r.message = counts + " could not be decided; first: " + first_problem_;
    } else {
        r.status = Status::passed;
    }
    return r;
}

CheckResult verdict(Status status, std::string why) {
    CheckResult r;
    r.status = status;
    r.message = std::move(why);
    return r;
}

// ---- text ----

std::string quote(std::string_view text, std::size_t max_chars) {
    const auto v = reports::visible_text(text, evidence_style(max_chars, true));
    return "\"" + v.text + "\"" + (v.truncated ? "…" : "");
}

Evidence text_difference(std::string call, std::string_view expected, std::string_view got,
                         const std::string& what) {
    const auto mismatch = std::mismatch(expected.begin(), expected.end(), got.begin(), got.end());
    const auto at = static_cast<std::size_t>(mismatch.first - expected.begin());
    // Start the excerpts a little before the difference, on a character boundary.
    const auto excerpt = [at](std::string_view s) {
        std::size_t start = at > 20 ? at - 20 : 0;
        while (start > 0 && start < s.size() && continuation(static_cast<unsigned char>(s[start])))
            --start;
        start = std::min(start, s.size());
        return (start > 0 ? std::string("…") : std::string()) + quote(s.substr(start), 60);
    };
    Evidence e;
    e.call = std::move(call);
    e.expected = excerpt(expected);
    e.got = excerpt(got);
    e.detail = what + " differ at byte " + std::to_string(at) + " (expected " +
               std::to_string(expected.size()) + " bytes, got " + std::to_string(got.size()) + ")";
    return e;
}

std::string one_line(std::string_view text) {
    const auto v = reports::visible_text(text, evidence_style(200, false));
    return v.text + (v.truncated ? "…" : "");
}

std::string ms_text(double ms) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    return buf;
}

// ---- CSV ----

std::optional<std::vector<std::vector<std::string>>> parse_csv(const std::string& text,
                                                               std::string* error) {
    try {
        return common::csv::parse(text);
    } catch (const common::csv::ParseError& e) {
        if (error != nullptr) *error = e.what();
        return std::nullopt;
    }
}

const std::vector<std::string>* find_row(const std::vector<std::vector<std::string>>& rows,
                                         const std::string& patient_id) {
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (!rows[i].empty() && rows[i][0] == patient_id) return &rows[i];
    }
    return nullptr;
}

std::vector<Save> successful_saves(const ScenarioRun& run) {
    std::vector<Save> out;
    for (const auto& step : run.steps) {
        if (!step.is_call || !step.call.ok() || step.patient_id.empty()) continue;
        if (step.kind == StepKind::generate && step.save) {
            if (auto summary = final_summary(step)) out.push_back({&step, std::move(*summary)});
        } else if (step.kind == StepKind::update) {
            out.push_back({&step, step.summary});
        }
    }
    return out;
}

void judge_rows(Tally& tally, const std::vector<ExpectedRow>& rows,
                const std::optional<std::vector<std::vector<std::string>>>& after,
                const std::string& error, const std::string& prefix) {
    for (const auto& row : rows) {
        if (!after) {
            Evidence e;
            e.call = describe(*row.last.step);
            e.detail = "the CSV after the run does not parse: " + error;
            tally.fail(std::move(e));
        } else if (auto e = row_problem(*after, row)) {
            e->detail = prefix + e->detail;
            tally.fail(std::move(*e));
        } else {
            tally.pass();
        }
    }
}

bool saved_in_run(const ScenarioRun& run, const std::string& patient_id) {
    const auto saves = successful_saves(run);
    return std::any_of(saves.begin(), saves.end(),
                       [&](const Save& s) { return s.step->patient_id == patient_id; });
}

std::vector<ExpectedRow> expected_rows(const ScenarioRun& run) {
    std::map<std::string, std::vector<Save>> by_patient;
    for (auto& s : successful_saves(run)) by_patient[s.step->patient_id].push_back(std::move(s));
    std::vector<ExpectedRow> out;
    for (auto& [id, saves] : by_patient) {
        const auto last =
            std::max_element(saves.begin(), saves.end(), [](const Save& a, const Save& b) {
                return a.step->call.response_steady_us < b.step->call.response_steady_us;
            });
        ExpectedRow row;
        row.patient_id = id;
        row.last = *last;
        row.acceptable.push_back(last->text);
        // A save still in flight when the last one was sent may have been written after it.
        for (const auto& s : saves) {
            if (&s != &*last && s.step->call.response_steady_us > last->step->call.sent_steady_us)
                row.acceptable.push_back(s.text);
        }
        out.push_back(std::move(row));
    }
    return out;
}

std::optional<Evidence> row_problem(const std::vector<std::vector<std::string>>& after,
                                    const ExpectedRow& expected) {
    const StepRecord& step = *expected.last.step;
    const std::string& want = expected.last.text;
    const std::string what =
        step.kind == StepKind::update ? "the summary sent" : "the final summary";
    Evidence e;
    e.call = describe(step);
    const auto* row = find_row(after, expected.patient_id);
    if (row == nullptr || row->size() < 3) {
        e.expected = quote(want);
        e.got = row == nullptr ? "no row" : std::to_string(row->size()) + " fields";
        e.detail = "no complete row for patient " + expected.patient_id + " in the CSV";
        return e;
    }
    const std::string& got = (*row)[2];
    const auto& ok = expected.acceptable;
    if (std::find(ok.begin(), ok.end(), got) != ok.end()) return std::nullopt;
    e = text_difference(describe(step), want, got, "saved text and " + what);
    if (got.empty()) {
        e.detail = "the row's summary is empty, expected " + what + " (" +
                   std::to_string(common::utf8::code_points(want)) + " chars)";
    } else if (want.size() > got.size() && want.compare(0, got.size(), got) == 0) {
        e.detail = "prefix of " + what + " (" + std::to_string(common::utf8::code_points(got)) +
                   " of " + std::to_string(common::utf8::code_points(want)) + " chars)";
    } else {
        for (std::size_t i = 0; i < step.call.tokens.size(); ++i) {
            const auto& t = step.call.tokens[i].text;
            if (got == t || got == trim_ascii(t)) {
                e.token_index = i;
                e.detail = "the row holds one token fragment of the stream, not " + what;
                break;
            }
        }
    }
    return e;
}

std::optional<Evidence> unchanged_row_problem(const ScenarioRun& run, const StepRecord& step) {
    if (!run.summaries_csv_known || step.patient_id.empty()) return std::nullopt;
    if (saved_in_run(run, step.patient_id)) return std::nullopt;
    Evidence e;
    e.call = describe(step);
    std::string error;
    const auto before = parse_csv(run.summaries_csv_before, &error);
    const auto after = parse_csv(run.summaries_csv_after, &error);
    if (!before || !after) {
        e.detail = "cannot tell whether anything was saved: the CSV does not parse (" + error + ")";
        return e;
    }
    const auto* old_row = find_row(*before, step.patient_id);
    const auto* new_row = find_row(*after, step.patient_id);
    if (old_row == nullptr && new_row == nullptr) return std::nullopt;
    if (old_row != nullptr && new_row != nullptr && *old_row == *new_row) return std::nullopt;
    const auto summary = [](const std::vector<std::string>* row) {
        return row == nullptr    ? std::string("no row")
               : row->size() < 3 ? std::to_string(row->size()) + " fields"
                                 : quote((*row)[2]);
    };
    e.expected = summary(old_row) + " (unchanged)";
    e.got = summary(new_row);
    e.detail = "the call failed but patient " + step.patient_id + "'s row changed";
    if (new_row != nullptr && new_row->size() >= 3 && !(*new_row)[2].empty()) {
        const std::string streamed = trim_ascii(step.call.streamed_text());
        const std::string& saved = (*new_row)[2];
        if (streamed.compare(0, saved.size(), saved) == 0) {
            e.detail += ": the partial stream was saved (" +
                        std::to_string(common::utf8::code_points(saved)) + " chars)";
        }
    }
    return e;
}

// ---- ordering of a client's calls ----

const StepRecord* next_call(const ScenarioRun& run, const StepRecord& step) {
    const std::int64_t end = ended_steady_us(step.call);
    const StepRecord* best = nullptr;
    bool after_step = false;
    for (const auto& s : run.steps) {
        if (&s == &step) {
            after_step = true;
            continue;
        }
        if (s.client != step.client || !s.is_call) continue;
        // Without a send time for `step`, the record's order is all there is.
        const std::int64_t start = started_steady_us(s.call);
        const bool later = end != 0 ? start != 0 && start >= end : after_step;
        if (!later) continue;
        if (best == nullptr || start < started_steady_us(best->call)) best = &s;
    }
    return best;
}

Evidence stopped_serving(const StepRecord& next, const StepRecord& step, const std::string& what) {
    Evidence n;
    n.call = describe(next);
    n.expected = "an answer on the same connection";
    n.got = one_line(next.call.failure());
    n.detail =
        "the server stopped serving this connection after the " + what + " of " + describe(step);
    return n;
}

bool served(const StepRecord& step) {
    if (!step.is_call) return false;
    const CallRecord& c = step.call;
    switch (step.expect) {
        case Expect::ok:
            return c.ok();
        case Expect::tool_error:
        case Expect::protocol_error:
            return c.responded();
        case Expect::close:
            return c.responded() || step.close_code.has_value();
    }
    return false;
}

}  // namespace harness::checks
