// concurrency.isolation against a server that sends one token of a call to a call of
// another connection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_run.hpp"
#include "scenarios.hpp"

namespace harness_e2e {
namespace {

using harness::checks::quote;
using ::testing::HasSubstr;

TEST(ConcurrencyFlaws, TokenSentToAnotherClientFailsIsolation) {
    expect_all_passed(run_against(Flaw::none, scenarios::kConcurrency));

    const E2eRun run = run_against(Flaw::crosstalk, scenarios::kConcurrency);
    const auto& r = expect_failed(run, "concurrency.isolation");
    // The receiving call's evidence names the token and the call it belongs to.
    const auto* e = find_evidence(r, "cross-talk: the token is token 10 of mock request #");
    ASSERT_NE(e, nullptr) << run.report();
    const bool to_client_1 = e->call.rfind("client 1 ", 0) == 0;
    const std::string receiver =
        to_client_1 ? "client 1 steps[1] generate 2" : "client 0 steps[1] generate 1";
    const std::string owner =
        to_client_1 ? "client 0 steps[1] generate 1" : "client 1 steps[1] generate 2";
    EXPECT_THAT(e->call, ::testing::StartsWith(receiver)) << run.report();
    EXPECT_THAT(e->detail, HasSubstr(", " + owner)) << run.report();
    const auto& sender = run.step("steps[1]", to_client_1 ? 0 : 1);
    const auto want = run.mock_tokens(sender);
    ASSERT_GT(want.size(), 11u) << run.report();
    EXPECT_EQ(e->got, quote(want[10])) << run.report();

    // The sending call lost its token 10: its next own token came in its place.
    const auto* lost = find_evidence(r, "the call's own token 11 arrived as token 10", owner);
    ASSERT_NE(lost, nullptr) << run.report();
    EXPECT_EQ(lost->token_index, 10u);
    EXPECT_EQ(lost->expected, quote(want[10]));
    EXPECT_EQ(lost->got, quote(want[11]));
    EXPECT_EQ(lost->detail,
              "the call's own token 11 arrived as token 10: a token of its own is missing or out "
              "of order");
}

}  // namespace
}  // namespace harness_e2e
