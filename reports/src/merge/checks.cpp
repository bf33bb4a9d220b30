// A check decided over every part of a merged scenario: a failure anywhere fails it, a part
// that could not decide leaves it undecided (error: the verdict of an incomplete run is not a
// verdict, as reports::exit_code has it), and the parts that did so are named.
#include <algorithm>
#include <map>

#include "aggregate.hpp"
#include "merge/parts.hpp"

namespace reports::merge_detail {

namespace {

// The checklist's order of statuses (detail::severity), except that a part that could not
// decide outweighs a failure: the verdict of an incomplete run is not a verdict.
int rank(Status s) {
    return s == Status::error ? 100 : detail::severity(s);
}

bool is_bad(Status s) {
    return s == Status::failed || s == Status::error;
}

struct Instance {
    const CheckResult* check = nullptr;
    const std::string* label = nullptr;
};

std::string labeled(const std::string& label, const std::string& text) {
    return text.empty() ? label : label + ": " + text;
}

// The parts that made the verdict speak in the message: every failing or undecided one for a
// bad verdict, else those with the verdict's status.
std::string message_of(const std::vector<Instance>& parts, Status verdict) {
    std::string out;
    for (const auto& p : parts) {
        const bool speaks = is_bad(verdict) ? is_bad(p.check->status) : p.check->status == verdict;
        if (!speaks || (p.check->message.empty() && !is_bad(p.check->status))) continue;
        out += (out.empty() ? "" : "; ") + labeled(*p.label, p.check->message);
    }
    return out;
}

CheckResult merged(const std::vector<Instance>& parts) {
    CheckResult out = *parts.front().check;
    out.evidence.clear();
    out.warnings.clear();
    out.passed_items = out.total_items = 0;
    out.seconds = 0;
    bool now_passing = false;
    for (const auto& p : parts) {
        const CheckResult& c = *p.check;
        if (rank(c.status) > rank(out.status)) out.status = c.status;
        if (out.title.empty()) out.title = c.title;
        out.passed_items += c.passed_items;
        out.total_items += c.total_items;
        out.seconds = std::max(out.seconds, c.seconds);
        now_passing = now_passing || c.now_passing_in_baseline;
        for (auto e : c.evidence) {
            e.detail = labeled(*p.label, e.detail);
            out.evidence.push_back(std::move(e));
        }
        for (const auto& w : c.warnings) out.warnings.push_back(labeled(*p.label, w));
    }
    out.now_passing_in_baseline = now_passing && out.status == Status::passed;
    out.message = message_of(parts, out.status);
    return out;
}

}  // namespace

std::vector<CheckResult> merge_checks(const std::vector<Part>& parts) {
    std::vector<std::vector<Instance>> by_id;
    std::map<std::string, std::size_t, std::less<>> index;
    for (const auto& part : parts) {
        for (const auto& c : part.scenario->checks) {
            const auto [it, fresh] = index.try_emplace(c.id, by_id.size());
            if (fresh) by_id.emplace_back();
            by_id[it->second].push_back({&c, &part.from->label});
        }
    }
    std::vector<CheckResult> out;
    out.reserve(by_id.size());
    for (const auto& instances : by_id) out.push_back(merged(instances));
    return out;
}

}  // namespace reports::merge_detail
