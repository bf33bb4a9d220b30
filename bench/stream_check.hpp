#pragma once
// Whether one stream of mcp_server_load was correct, judged by the harness's own rules, so
// that a benchmark and a scenario cannot disagree about what a correct stream is: those of
// stream.tokens_delivered and stream.order (every token the mock emitted, none extra, in its
// order; legacy positions in code points, progress increasing) and stream.final_matches'
// rule for the result (its summary is the trimmed stream). It runs after the timed part of a
// run, so its cost is not in the figures.
#include <cstddef>
#include <string>

#include "harness/run_record.hpp"

namespace bench {

// One generate_summary call of the benchmark, as the checks see a scenario's step: expected
// to succeed, streamed upstream, with tokens asked for as progress notifications or as
// legacy stream_token frames.
harness::StepRecord generate_step(std::size_t client, harness::CallRecord call, bool progress);

// The first problem of the step's call against the mock request that produced its tokens,
// "" when there is none: "token 2: position counts bytes, ... (expected position 12, got
// position 11)".
std::string stream_problem(const harness::StepRecord& step, const harness::MockRequest& mock);

}  // namespace bench
