// `run --shard` for real: one mock-ollama and one mcp-server started here, two mcp-harness
// processes running scenarios/load/load_100.json as --shard 1/2 and 2/2 against them
// (--server-url, --ollama-url: the shared-mock mode) with one --start-at announced in a shared
// folder. Each shard's report.json must hold exactly its clients (k mod 2), the two together
// all 100 once; options.shard, extra.shard with its clock evidence and the common start; and
// both shards' checks must pass, their relay lag read from the mock's log filtered to their
// own patients. The mock must not have been reset: a request made before the run is still
// in its log.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"
#include "common/clock.hpp"
#include "shard_command.hpp"
#include "support/http.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kShards = 2;
constexpr std::size_t kClients = 100;  // load_100's

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ShardRunE2E, TwoShardsOfLoad100SplitTheClientsAndBothPass) {
    test_support::TempDir dir{"shard-e2e"};
    test_support::MockProcess mock{MOCK_OLLAMA_BIN, {}};
    test_support::ServerProcess server{MCP_SERVER_BIN,
                                       dir.path() / "data",
                                       {"--ollama-url", mock.base_url(), "--log-level", "warn"}};
    // An earlier run's request: a shard on a shared mock must leave it there (no reset).
    mock.configure({{"tokens", 2}});
    const json earlier = {{"model", "llama3.2"}, {"prompt", "earlier run"}, {"stream", false}};
    ASSERT_EQ(test_support::http_post_json(mock.base_url() + "/api/generate", earlier).status, 200);

    std::vector<common::ChildProcess> shards;
    for (std::size_t i = 1; i <= kShards; ++i) {
        const auto out = dir.path() / ("shard-" + std::to_string(i));
        const test_support::ShardCommand cmd{
            .scenario = std::string(SCENARIOS_DIR) + "/load/load_100.json",
            .index = i,
            .count = kShards,
            .start_at = "+4",
            .dir = dir.path(),
            .server_url = server.ws_url(),
            .mock_url = mock.base_url(),
            .out = out};
        auto argv = cmd.argv(MCP_HARNESS_BIN);
        for (const char* more : {"--time-scale", "1", "--format", "json"}) argv.push_back(more);
        shards.emplace_back(common::ChildProcess::Options{
            .argv = std::move(argv),
            .stderr_file = dir.path() / ("shard-" + std::to_string(i) + ".stderr")});
    }
    std::vector<int> codes;
    for (std::size_t i = 0; i < kShards; ++i) {
        // Its stdout read to the end (a pipe: unread, a long summary could block it).
        try {
            shards[i].wait_for_line("reports in ", std::chrono::seconds(60));
        } catch (const std::exception& e) {
            ADD_FAILURE() << "shard " << i + 1 << ": " << e.what();
        }
        codes.push_back(shards[i].wait_exit(std::chrono::seconds(10)));
    }
    const auto start_us = common::parse_rfc3339_us(read_text(dir.path() / "start" / "start-at"));

    std::multiset<std::size_t> clients;
    std::vector<std::int64_t> starts;
    for (std::size_t i = 1; i <= kShards; ++i) {
        const json r =
            json::parse(read_text(dir.path() / ("shard-" + std::to_string(i)) / "report.json"));
        EXPECT_EQ(r["options"]["shard"], std::to_string(i) + "/2");
        EXPECT_EQ(common::parse_rfc3339_us(r["options"]["start_at"].get<std::string>()), start_us);
        ASSERT_EQ(r["scenarios"].size(), 1u);
        const json& sc = r["scenarios"][0];
        bool late = false;
        for (const auto& c : sc["checks"]) {
            // On a machine shared with other jobs, tokens can be late for reasons of its own:
            // that, and only that, may fail stream.realtime (H2's merge test does the same).
            if (c["id"] == "stream.realtime" && c["status"] == "failed" &&
                c["message"].get<std::string>().find("tokens reached the client late") !=
                    std::string::npos) {
                std::cerr << "shard " << i << ": late tokens on a busy machine: " << c["message"]
                          << '\n';
                late = true;
                continue;
            }
            EXPECT_EQ(c["status"], "passed") << "shard " << i << ": " << c.dump();
        }
        // Exit 0, or 1 for that one tolerated failure and nothing else.
        EXPECT_EQ(codes[i - 1], late ? 1 : 0) << "shard " << i << "\n"
                                              << shards[i - 1].stderr_tail();
        std::size_t mine = 0;
        for (const auto& call : sc["extra"]["calls"]) {
            const auto k = call["client"].get<std::size_t>();
            EXPECT_EQ(k % kShards, i - 1) << "client " << k << " ran in shard " << i;
            // Its own patient: the generated ids 1..100, client k on patient k+1.
            EXPECT_EQ(call["patient"], std::to_string(k + 1));
            clients.insert(k);
            ++mine;
        }
        const json& shard = sc["extra"]["shard"];
        EXPECT_EQ(shard["index"], i);
        EXPECT_EQ(shard["count"], kShards);
        EXPECT_EQ(shard["by"], "clients");
        EXPECT_EQ(shard["clients"], kClients / kShards);
        EXPECT_EQ(mine, kClients / kShards);
        EXPECT_EQ(sc["extra"]["clients"], kClients / kShards);  // the share: merge adds them up
        EXPECT_EQ(shard["tokens"], sc["extra"]["tokens_received"]);
        EXPECT_EQ(shard["client_indices"][1], i - 1 + kShards);
        // The clock evidence against the one mock: same machine, so a small offset, known
        // to within half a loopback round trip.
        const json& clock = shard["clock"];
        EXPECT_EQ(clock["peer"], mock.base_url());
        EXPECT_EQ(clock["samples"], 5);
        EXPECT_LT(std::llabs(clock["offset_us"].get<std::int64_t>()),
                  clock["uncertainty_us"].get<std::int64_t>() + 5'000);
        EXPECT_LT(clock["uncertainty_us"].get<std::int64_t>(), 100'000);
        // The clients began at the shared instant, not before.
        const auto begun = shard["window"]["start_wall_us"].get<std::int64_t>();
        EXPECT_GE(begun, start_us);
        EXPECT_LT(shard["start_late_us"].get<std::int64_t>(), 500'000);
        EXPECT_GT(shard["window"]["end_wall_us"].get<std::int64_t>(), begun);
        starts.push_back(begun);
    }
    EXPECT_LT(std::llabs(starts[0] - starts[1]), 500'000) << "the shards did not start together";
    ASSERT_EQ(clients.size(), kClients);
    for (std::size_t k = 0; k < kClients; ++k) EXPECT_EQ(clients.count(k), 1u) << "client " << k;
    // Not reset: the earlier request is still the log's first.
    const auto log = mock.requests(false);
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0]["prompt"], "earlier run");
    EXPECT_EQ(log.size(), kClients + 1);
}

}  // namespace

namespace {

// More shards than scenarios: the shard with nothing to run writes an empty report that says
// which shard it is, says so in one line, and exits 0 (no verdict: it decided nothing).
TEST(ShardRunE2E, AShardWithNothingToRunWritesAnEmptyReportAndExits0) {
    test_support::TempDir dir{"shard-empty"};
    const auto out = dir.path() / "out";
    common::ChildProcess harness(
        {.argv = {MCP_HARNESS_BIN, "run", std::string(SCENARIOS_DIR) + "/load/load_100.json",
                  "--shard", "101/101", "--out", out.string()},
         .stderr_file = dir.path() / "stderr"});
    const auto line =
        harness.wait_for_line("no scenario falls to this shard", std::chrono::seconds(20));
    EXPECT_EQ(line, "shard 101/101: no scenario falls to this shard; an empty report was written");
    EXPECT_EQ(harness.wait_exit(std::chrono::seconds(10)), 0) << harness.stderr_tail();
    const json r = json::parse(read_text(out / "report.json"));
    EXPECT_EQ(r["options"]["shard"], "101/101");
    EXPECT_TRUE(r["scenarios"].empty());
}

}  // namespace
