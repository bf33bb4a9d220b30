// The partition of a sharded run: client k to shard (k mod N)+1 with its global index, the
// other scenarios dealt round-robin, and what report.json says of each shard (extra.shard).
#include "harness/shard.hpp"

#include <set>

#include <gtest/gtest.h>

#include "harness/scenario.hpp"
#include "shard/shard_report.hpp"
#include "shard/shard_run.hpp"

namespace harness {
namespace {

Scenario scenario(std::string name, std::size_t clients, ShardBy by) {
    Scenario sc;
    sc.name = std::move(name);
    sc.clients = clients;
    sc.shard_by = by;
    Step gen;
    gen.kind = StepKind::generate;
    sc.steps.push_back(gen);
    return sc;
}

TEST(Shard, ClientsGoToShardKModN) {
    EXPECT_EQ(shard_clients(10, {1, 4}), (std::vector<std::size_t>{0, 4, 8}));
    EXPECT_EQ(shard_clients(10, {2, 4}), (std::vector<std::size_t>{1, 5, 9}));
    EXPECT_EQ(shard_clients(10, {4, 4}), (std::vector<std::size_t>{3, 7}));
    EXPECT_TRUE(shard_clients(3, {4, 4}).empty());
    EXPECT_EQ(shard_clients(3, {1, 1}), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Shard, EveryClientRunsExactlyOnceOverAllShards) {
    for (const std::size_t n : {1u, 2u, 3u, 4u, 7u, 100u, 101u}) {
        std::multiset<std::size_t> seen;
        for (std::size_t i = 1; i <= n; ++i) {
            for (const auto k : shard_clients(100, {i, n})) seen.insert(k);
        }
        ASSERT_EQ(seen.size(), 100u) << n << " shards";
        for (std::size_t k = 0; k < 100; ++k) EXPECT_EQ(seen.count(k), 1u) << n << " shards";
    }
}

TEST(Shard, ScenariosSplitByClientsRunOnEveryShardOthersOnOne) {
    const std::vector<Scenario> all = {
        scenario("a", 1, ShardBy::scenario), scenario("load", 10, ShardBy::clients),
        scenario("b", 1, ShardBy::scenario), scenario("c", 1, ShardBy::scenario),
        scenario("tiny_load", 2, ShardBy::clients)};
    std::vector<std::vector<std::string>> names;
    for (std::size_t i = 1; i <= 3; ++i) {
        names.emplace_back();
        for (const auto& sc : shard_scenarios(all, {i, 3})) {
            names.back().push_back(sc.name);
            EXPECT_EQ(sc.shard, (Shard{i, 3}));
        }
    }
    // a, b, c: the 0th, 1st and 2nd whole scenario to shards 1, 2, 3; tiny_load has no client
    // for shard 3.
    EXPECT_EQ(names[0], (std::vector<std::string>{"a", "load", "tiny_load"}));
    EXPECT_EQ(names[1], (std::vector<std::string>{"load", "b", "tiny_load"}));
    EXPECT_EQ(names[2], (std::vector<std::string>{"load", "c"}));
    // More shards than scenarios: a shard may get nothing.
    EXPECT_TRUE(shard_scenarios({all[0]}, {2, 2}).empty());
}

TEST(Shard, ClientsToRunIsTheShareOnlyWhenSplitByClients) {
    auto load = scenario("load", 5, ShardBy::clients);
    EXPECT_EQ(clients_to_run(load).size(), 5u);  // not sharded: all
    load.shard = Shard{2, 2};
    EXPECT_EQ(clients_to_run(load), (std::vector<std::size_t>{1, 3}));
    auto whole = scenario("whole", 5, ShardBy::scenario);
    whole.shard = Shard{2, 2};
    EXPECT_EQ(clients_to_run(whole).size(), 5u);
}

TEST(Shard, OwnPromptLinesAreTheSharesPatients) {
    auto load = scenario("load", 4, ShardBy::clients);
    load.shard = Shard{2, 2};
    const std::vector<std::string> ids = {"1", "2", "3", "4"};
    std::map<std::string, std::string> names = {
        {"1", "Ana"}, {"2", "Bo"}, {"3", "Cy"}, {"4", "Di"}};
    EXPECT_EQ(own_prompt_lines(load, ids, names),
              (std::vector<std::string>{"Name: Bo", "Name: Di"}));
    names.erase("4");  // a name unknown: no filter rather than a wrong one
    EXPECT_TRUE(own_prompt_lines(load, ids, names).empty());
}

TEST(Shard, ExtraShardSaysWhatThisShardRan) {
    auto load = scenario("load", 10, ShardBy::clients);
    load.shard = Shard{2, 4};
    ScenarioRun run;
    run.started_wall_us = 100;
    run.ended_wall_us = 900;
    StepRecord st;
    st.call.token_count = 7;
    run.steps = {st, st};
    run.mock_clock = ClockOffset{"http://m", -40, 12, 5};
    run.start_late_us = 3;
    const auto j = shard_extra(load, run);
    EXPECT_EQ(j.dump(),
              R"({"by":"clients","client_indices":[1,5,9],"clients":3,)"
              R"("clock":{"offset_us":-40,"peer":"http://m","samples":5,"uncertainty_us":12},)"
              R"("count":4,"index":2,"start_late_us":3,"tokens":14,)"
              R"("window":{"end_wall_us":900,"start_wall_us":100}})");
    auto whole = scenario("whole", 3, ShardBy::scenario);
    whole.shard = Shard{1, 4};
    const auto w = shard_extra(whole, ScenarioRun{});
    EXPECT_EQ(w["by"], "scenario");
    EXPECT_EQ(w["clients"], 3);
    EXPECT_FALSE(w.contains("clock"));
}

}  // namespace
}  // namespace harness
