// The csv.* checks: the summaries CSV after the run against the saves that succeeded and
// against the file before the run.
#include <set>

#include "harness/checks.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;
using reports::Status;

namespace {

std::string joined(const std::vector<std::string>& fields) {
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
    return out;
}

// A step whose success means a save: generate with save, or update.
bool save_step(const StepRecord& step) {
    return (step.kind == StepKind::generate && step.save) || step.kind == StepKind::update;
}

}  // namespace

CheckResult csv_complete_saved(const ScenarioRun& run) {
    Tally tally("saves");
    for (const auto& step : run.steps) {
        if (!save_step(step) || step.expect != Expect::ok) continue;
        if (auto e = unusable(run, step, false)) {
            tally.fail(std::move(*e));
        } else if (step.kind == StepKind::generate && !final_summary(step)) {
            Evidence ev;
            ev.call = describe(step);
            ev.got = quote(step.call.result_text());
            ev.detail =
                "the result text is not a generate_summary result: the saved summary is "
                "unknown";
            tally.fail(std::move(ev));
        }
    }
    std::string error;
    const auto after = parse_csv(run.summaries_csv_after, &error);
    judge_rows(tally, expected_rows(run), after, error, "");
    return tally.finish(
        "no save in the run (generate with save, or update) that the scenario expected to "
        "succeed");
}

namespace {

using Rows = std::vector<std::vector<std::string>>;

std::optional<Evidence> header_problem(const std::vector<std::string>& old_header,
                                       const std::vector<std::string>& new_header) {
    if (new_header == old_header) return std::nullopt;
    Evidence e;
    e.call = "header";
    e.expected = quote(joined(old_header));
    e.got = quote(joined(new_header));
    e.detail = "the header changed";
    return e;
}

// Row i of `before` in `after`: the same id at the same place; an untouched row
// byte-identical, a saved one with its id and name kept. Evidence when not, else nullopt.
std::optional<Evidence> row_change(const Rows& before, const Rows& after, std::size_t i,
                                   const std::set<std::string>& touched,
                                   const std::vector<std::string>& old_header) {
    const auto& old_row = before[i];
    const std::string id = old_row.empty() ? std::string() : old_row[0];
    Evidence e;
    e.call = "row " + std::to_string(i) + " (" + id + ")";
    if (i >= after.size()) {
        e.expected = "patient " + id;
        e.got = "no row";
        e.detail = "the file has " + std::to_string(after.size()) + " rows, it had " +
                   std::to_string(before.size());
        return e;
    }
    const auto& new_row = after[i];
    const std::string new_id = new_row.empty() ? std::string() : new_row[0];
    if (new_id != id) {
        e.expected = "patient " + id;
        e.got = "patient " + new_id;
        e.detail = "the ids are not the same, in the same order, as before";
        return e;
    }
    const bool saved = touched.count(id) > 0;
    // A saved row may change its summary only.
    const std::size_t compared = saved ? std::min<std::size_t>(old_row.size(), 2) : old_row.size();
    bool same = saved ? new_row.size() == old_row.size() : new_row == old_row;
    std::size_t k = 0;
    while (k < compared && k < new_row.size() && new_row[k] == old_row[k]) ++k;
    if (k < compared) same = false;
    if (same) return std::nullopt;
    const std::string column = k < old_header.size() ? old_header[k] : std::to_string(k + 1);
    if (k < compared && k < new_row.size()) {
        e.expected = quote(old_row[k]);
        e.got = quote(new_row[k]);
        e.detail = "column " + column + " changed";
    } else {
        e.expected = std::to_string(old_row.size()) + " fields";
        e.got = std::to_string(new_row.size()) + " fields";
        e.detail = "the number of fields changed";
    }
    e.detail += saved ? " in a saved row (only the summary may change)"
                      : " although no save in this run touched the row";
    return e;
}

std::vector<Evidence> temp_files_left(const ScenarioRun& run) {
    std::vector<Evidence> out;
    for (const auto& name : run.data_dir_files_after) {
        if (name.find(".tmp") == std::string::npos) continue;
        Evidence e;
        e.call = "data directory";
        e.got = name;
        e.detail = "a temporary file was left behind: " + name;
        out.push_back(std::move(e));
    }
    return out;
}

// Formula-like summaries are legal CSV but dangerous in a spreadsheet: a warning.
void warn_formulas(Tally& tally, const Rows& after, const std::set<std::string>& touched) {
    for (const auto& id : touched) {
        const auto* row = find_row(after, id);
        if (row == nullptr || row->size() < 3 || (*row)[2].empty()) continue;
        const char c = (*row)[2].front();
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
            tally.warn("patient " + id + "'s saved summary starts with " +
                       quote(std::string(1, c)) +
                       ": a spreadsheet may run it as a formula (CSV injection)");
        }
    }
}

}  // namespace

CheckResult csv_integrity(const ScenarioRun& run) {
    std::string error;
    const auto before = parse_csv(run.summaries_csv_before, &error);
    if (!before) {
        return verdict(Status::error, "the CSV before the run does not parse (" + error +
                                          "): nothing to compare with");
    }
    Tally tally("items");
    const auto after = parse_csv(run.summaries_csv_after, &error);
    if (!after) {
        Evidence e;
        e.detail = "the CSV after the run is not valid RFC 4180: " + error;
        tally.fail(std::move(e));
        return tally.finish("");
    }
    // An empty file before and after: no header, no row to compare; only a temp file left
    // behind would still be a finding.
    if (before->empty() && after->empty()) {
        auto left = temp_files_left(run);
        if (!left.empty()) {
            tally.fail(std::move(left));
            return tally.finish("");
        }
        return verdict(Status::skipped,
                       "not applicable: the summaries CSV was empty before and after the run "
                       "(no header, no row): nothing to judge");
    }
    std::set<std::string> touched;
    for (const auto& s : successful_saves(run)) touched.insert(s.step->patient_id);

    const std::vector<std::string> no_row;
    const auto& old_header = before->empty() ? no_row : before->front();
    const auto& new_header = after->empty() ? no_row : after->front();
    if (auto e = header_problem(old_header, new_header)) {
        tally.fail(std::move(*e));
    } else {
        tally.pass();
    }
    for (std::size_t i = 1; i < before->size(); ++i) {
        if (auto e = row_change(*before, *after, i, touched, old_header)) {
            tally.fail(std::move(*e));
        } else {
            tally.pass();
        }
    }
    for (std::size_t i = before->size(); i < after->size(); ++i) {
        Evidence e;
        e.call = "row " + std::to_string(i);
        e.expected = "no row";
        e.got = quote(joined((*after)[i]));
        e.detail = "an extra row: the file had " + std::to_string(before->size()) + " rows";
        tally.fail(std::move(e));
    }
    tally.record(temp_files_left(run));
    warn_formulas(tally, *after, touched);
    return tally.finish("");
}

}  // namespace harness::checks
