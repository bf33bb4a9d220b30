// The summaries CSV as the checks read it: its rows, the saves that succeeded in the run, the
// row each patient must hold after it, and the evidence when it does not.
#include <algorithm>
#include <map>

#include "common/csv.hpp"
#include "common/utf8.hpp"
#include "harness/checks.hpp"
#include "harness/metrics.hpp"

namespace harness::checks {

using reports::Evidence;

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

}  // namespace harness::checks
