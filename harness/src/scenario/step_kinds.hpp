#pragma once
// The step kinds of a scenario file, one table row each: the StepKind, the "op" that names it
// and the keys a step of that kind may carry besides the common ones.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario.hpp"

namespace harness {

struct StepKindInfo {
    StepKind kind;
    std::string_view op;
    std::vector<std::string> keys;  // besides op, expect, expect_code and expect_text
};

// Every row, in StepKind order.
const std::vector<StepKindInfo>& step_kinds();
// The row of the kind an "op" names, nullptr when none does.
const StepKindInfo* step_kind_of(std::string_view op);
// Every op, in StepKind order (the candidates of "did you mean").
const std::vector<std::string>& step_ops();

}  // namespace harness
