// errors.clear against a server whose tool errors span lines, that answers an unknown tool
// with the wrong code, or that closes the connection after a tool error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_run.hpp"
#include "scenarios.hpp"

namespace harness_e2e {
namespace {

using harness::checks::quote;
using ::testing::StartsWith;

TEST(ErrorFlaws, MultiLineToolErrorFailsErrorsClear) {
    expect_all_passed(run_against(Flaw::none, scenarios::kErrors));

    const E2eRun run = run_against(Flaw::multiline_error, scenarios::kErrors);
    const auto& r = expect_failed(run, "errors.clear");
    const auto* e = find_evidence(r, "the tool error message is not one line",
                                  "client 0 steps[1] get P999 (id 2)");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_EQ(e->expected, "a tool error (isError) with a one-line message containing \"P999\"");
    EXPECT_EQ(e->got,
              quote("Patient not found: P999\nPlease check the request and try again.", 120));
}

TEST(ErrorFlaws, WrongCodeForUnknownToolFailsErrorsClear) {
    expect_all_passed(run_against(Flaw::none, scenarios::kErrors));

    const E2eRun run = run_against(Flaw::wrong_error_code, scenarios::kErrors);
    const auto& r = expect_failed(run, "errors.clear");
    const auto* e = find_evidence(r, "the wrong JSON-RPC error code", "client 0 steps[3] raw");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_EQ(e->expected, "code -32602");
    EXPECT_EQ(e->got, "code -32603 " + quote("Unknown tool: no_such_tool"));
}

TEST(ErrorFlaws, ConnectionClosedAfterToolErrorFailsErrorsClear) {
    expect_all_passed(run_against(Flaw::none, scenarios::kErrors));

    const E2eRun run = run_against(Flaw::dies_after_error, scenarios::kErrors);
    const auto& r = expect_failed(run, "errors.clear");
    const auto* e = find_evidence(r,
                                  "the server stopped serving this connection after the error "
                                  "of client 0 steps[1] get P999 (id 2)");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_THAT(e->call, StartsWith("client 0 steps[2] ping"));
    EXPECT_EQ(e->expected, "an answer on the same connection");
}

// The close has arrived before the next call is made: that call is never sent, and the
// check must still see it as the call after the error.
TEST(ErrorFlaws, ConnectionClosedAfterToolErrorFailsErrorsClearWhenNextCallComesLater) {
    expect_all_passed(run_against(Flaw::none, scenarios::kErrorThenPause));

    const E2eRun run = run_against(Flaw::dies_after_error, scenarios::kErrorThenPause);
    const auto& r = expect_failed(run, "errors.clear");
    const auto* e = find_evidence(r,
                                  "the server stopped serving this connection after the error "
                                  "of client 0 steps[1] get P999 (id 2)");
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_THAT(e->call, StartsWith("client 0 steps[3] ping"));
    EXPECT_EQ(e->expected, "an answer on the same connection");
    EXPECT_THAT(e->got, StartsWith("connection already closed"));
}

}  // namespace
}  // namespace harness_e2e
