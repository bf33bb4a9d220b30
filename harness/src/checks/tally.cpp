// Counting a check's items and the verdict they add up to.
#include "harness/checks.hpp"

namespace harness::checks {

using reports::CheckResult;
using reports::Evidence;
using reports::Status;

Tally::Tally(std::string item_unit) {
    result_.item_unit = std::move(item_unit);
}

void Tally::add(Evidence evidence) {
    if (first_problem_.empty())
        first_problem_ = evidence_line(evidence, EvidenceLine::first_problem);
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

void Tally::nothing_to_judge(const StepRecord& step, std::string why) {
    if (not_judged_++ == 0) first_not_judged_ = describe(step) + ": " + why;
}

CheckResult Tally::finish(const std::string& skip_reason) const {
    CheckResult r = result_;
    r.warnings = warnings_;
    r.passed_items = passed_;
    r.total_items = total_;
    const std::string not_judged =
        not_judged_ == 0 ? std::string()
                         : "not applicable to " + std::to_string(not_judged_) + " " + r.item_unit +
                               " with nothing to judge (first: " + first_not_judged_ + ")";
    if (total_ == 0) {
        r.status = Status::skipped;
        r.message = not_judged.empty()    ? skip_reason
                    : skip_reason.empty() ? not_judged
                                          : skip_reason + "; " + not_judged;
        return r;
    }
    if (!not_judged.empty()) r.warnings.push_back(not_judged);
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

}  // namespace harness::checks
