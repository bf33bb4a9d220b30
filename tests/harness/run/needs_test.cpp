// needs_problem with the machine's facts injected: what fits, what does not, the message
// naming the need, the machine and the shard count that fits.
#include "harness/needs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using harness::MachineFacts;
using harness::needs_here;
using harness::needs_problem;
using harness::Scenario;
using harness::Shard;
using harness::ShardBy;
using ::testing::HasSubstr;
using ::testing::Not;

Scenario load_1000() {
    Scenario sc;
    sc.name = "load_1000";
    sc.clients = 1000;
    sc.shard_by = ShardBy::clients;
    sc.needs = {3, 2100};
    return sc;
}

TEST(Needs, AMachineWithEnoughRunsIt) {
    EXPECT_EQ(needs_problem(load_1000(), {3, 2100}), "");
    EXPECT_EQ(needs_problem(load_1000(), {64, 1'048'576}), "");
}

TEST(Needs, NothingStatedAlwaysFits) {
    Scenario sc = load_1000();
    sc.needs = {};
    EXPECT_EQ(needs_problem(sc, {1, 0}), "");
}

TEST(Needs, TooFewCoresNamesNeedMachineAndTheShardCountThatFits) {
    const auto text = needs_problem(load_1000(), {2, 1'048'576});
    EXPECT_THAT(text, HasSubstr("load_1000 needs 3 cores and 2100 fds (1000 clients)"));
    EXPECT_THAT(text, HasSubstr("this machine has 2 cores and 1048576 fds"));
    EXPECT_THAT(text, HasSubstr("run it as --shard I/2 on 2 machines"));
    EXPECT_THAT(text, HasSubstr("docs/scale-out.md"));
}

TEST(Needs, TooFewFdsAsksForAsManyShardsAsTheLimitNeeds) {
    // 2100 / 2 = 1050 > 1024; 2100 / 3 = 700 fits.
    const auto text = needs_problem(load_1000(), {64, 1024});
    EXPECT_THAT(text, HasSubstr("this machine has 64 cores and 1024 fds (ulimit -n)"));
    EXPECT_THAT(text, HasSubstr("--shard I/3 on 3 machines"));
}

TEST(Needs, OneCoreAndOneNeededFigure) {
    Scenario sc = load_1000();
    sc.needs = {64, 0};
    const auto text = needs_problem(sc, {1, 10});
    EXPECT_THAT(text, HasSubstr("load_1000 needs 64 cores (1000 clients)"));
    EXPECT_THAT(text, HasSubstr("this machine has 1 core:"));
    EXPECT_THAT(text, Not(HasSubstr("fds")));
    EXPECT_THAT(text, HasSubstr("--shard I/64 on 64 machines"));
}

TEST(Needs, AShardNeedsItsShareOfTheClients) {
    Scenario sc = load_1000();
    sc.shard = Shard{1, 2};
    EXPECT_EQ(needs_here(sc).cores, 2u);  // 3 x 500 / 1000, rounded up
    EXPECT_EQ(needs_here(sc).fds, 1050u);
    EXPECT_EQ(needs_problem(sc, {2, 1050}), "");
}

TEST(Needs, AShardStillTooLargeSaysWhichShardAndHowManyFit) {
    Scenario sc = load_1000();
    sc.shard = Shard{2, 2};
    const auto text = needs_problem(sc, {1, 1'048'576});
    EXPECT_THAT(text, HasSubstr("needs 2 cores and 1050 fds for shard 2/2 (500 of 1000 clients)"));
    EXPECT_THAT(text, HasSubstr("--shard I/3 on 3 machines"));
}

TEST(Needs, AScenarioThatRunsWholeCannotBeSplit) {
    Scenario sc = load_1000();
    sc.shard_by = ShardBy::scenario;
    const auto text = needs_problem(sc, {2, 1'048'576});
    EXPECT_THAT(text, HasSubstr("it runs whole on one machine"));
    EXPECT_THAT(text, Not(HasSubstr("--shard")));
}

TEST(Needs, AScenarioRunWholeByOneShardNeedsAllOfIt) {
    Scenario sc = load_1000();
    sc.shard_by = ShardBy::scenario;
    sc.shard = Shard{1, 2};
    EXPECT_EQ(needs_here(sc).cores, 3u);
    EXPECT_THAT(needs_problem(sc, {2, 1'048'576}), HasSubstr("for shard 1/2"));
}

TEST(Needs, NoSplitFitsAMachineWithAlmostNoFiles) {
    const auto text = needs_problem(load_1000(), {64, 2});
    EXPECT_THAT(text, HasSubstr("no split of its clients fits this machine"));
}

TEST(Needs, ThisMachineHasAtLeastOneCoreAndItsRaisedFileLimit) {
    const MachineFacts m = harness::this_machine();
    EXPECT_GE(m.cores, 1u);
    EXPECT_GE(m.fds, 64u);
}

}  // namespace
