// The one table of step kinds: names for scenario files and evidence, and each kind's keys.
#include "scenario/step_kinds.hpp"

#include <algorithm>

namespace harness {

const std::vector<StepKindInfo>& step_kinds() {
    static const std::vector<StepKindInfo> table = {
        {StepKind::initialize, "initialize", {}},
        {StepKind::list_tools, "list_tools", {}},
        {StepKind::ping, "ping", {}},
        {StepKind::search, "search", {"keyword"}},
        {StepKind::get, "get", {"patient"}},
        {StepKind::generate,
         "generate",
         {"patient", "save", "stream_upstream", "form", "fault", "mock", "as"}},
        {StepKind::update, "update", {"patient", "summary"}},
        {StepKind::cancel, "cancel", {"call", "after_tokens"}},
        {StepKind::raw, "raw", {"frame"}},
        {StepKind::oversized, "oversized", {"bytes"}},
        {StepKind::wait, "wait", {"ms"}},
        {StepKind::parallel, "parallel", {"steps"}},
    };
    return table;
}

const StepKindInfo* step_kind_of(std::string_view op) {
    const auto& table = step_kinds();
    const auto it = std::find_if(table.begin(), table.end(),
                                 [op](const StepKindInfo& k) { return k.op == op; });
    return it == table.end() ? nullptr : &*it;
}

const std::vector<std::string>& step_ops() {
    static const std::vector<std::string> ops = [] {
        std::vector<std::string> out;
        for (const auto& k : step_kinds()) out.emplace_back(k.op);
        return out;
    }();
    return ops;
}

std::string_view to_string(StepKind kind) {
    for (const auto& k : step_kinds()) {
        if (k.kind == kind) return k.op;
    }
    return "?";
}

}  // namespace harness
