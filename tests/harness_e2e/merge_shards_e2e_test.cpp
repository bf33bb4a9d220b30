// Issue 13's Must-show, for real: one mock-ollama, one mcp-server, four mcp-harness processes
// running a test-sized copy of scenarios/load/load_100.json as --shard 1/4 .. 4/4 with one
// shared --start-at, then `mcp-harness merge`. Every client's call is in the merged report
// exactly once; the merged TTFT and relay-lag histograms are the shards' added bucket by bucket
// (added here by hand, not by the code under test); and a client broken in one shard only
// fails the merged checklist, naming that shard.
//
// The fault: a mock rule for the patient of client 6 (shard 3/4: 6 mod 4 = 2), posted through
// the mock's admin API once all four shards have configured the mock (each says "clients start
// at" after its POST /_mock/config) and before their shared start instant, so no shard's
// configuration overwrites it and it hits that one call: the mock closes the stream after 3
// tokens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"
#include "common/clock.hpp"
#include "common/csv.hpp"
#include "reports/json.hpp"
#include "reports/samples.hpp"
#include "shard_command.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::size_t kShards = 4;
constexpr std::size_t kClients = 24;
constexpr std::size_t kBrokenClient = 6;  // in shard 3/4
// From the first shard's announcement to the clients' start: time for all four to set up.
constexpr const char* kStartAfter = "+5";

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// load_100 cut to kClients clients of 20 tokens: the shipped scenario's checks and split.
fs::path test_scenario(const fs::path& dir) {
    json s = json::parse(read_text(fs::path(SCENARIOS_DIR) / "load" / "load_100.json"));
    EXPECT_EQ(s.value("shard_by", ""), "clients");
    s["name"] = "load_sharded";
    s["clients"] = kClients;
    s["mock"]["tokens"] = 20;
    const auto path = dir / "load_sharded.json";
    std::ofstream(path) << s.dump(2);
    return path;
}

// The name of patient `id` in a patients_data.csv (header row first, id then name).
std::string patient_name(const fs::path& csv, const std::string& id) {
    for (const auto& row : common::csv::parse(read_text(csv))) {
        if (row.size() > 1 && row[0] == id) return row[1];
    }
    throw std::runtime_error("no patient " + id + " in " + csv.string());
}

// RE2 text matching `s` literally.
std::string literal(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

struct Rig {
    test_support::TempDir dir{"merge-e2e"};
    test_support::MockProcess mock{MOCK_OLLAMA_BIN, {}};
    test_support::ServerProcess server{MCP_SERVER_BIN,
                                       dir.path() / "data",
                                       {"--ollama-url", mock.base_url(), "--log-level", "warn"}};
    fs::path scenario = test_scenario(dir.path());

    fs::path shard_dir(std::size_t i) const { return dir.path() / ("shard-" + std::to_string(i)); }

    // The four shards started together; `before_start` runs once every one has configured the
    // mock and waits for the start instant. Returns their exit codes.
    std::vector<int> run_shards(const std::function<void()>& before_start = [] {}) {
        std::vector<common::ChildProcess> shards;
        for (std::size_t i = 1; i <= kShards; ++i) {
            const test_support::ShardCommand cmd{.scenario = scenario.string(),
                                                 .index = i,
                                                 .count = kShards,
                                                 .start_at = kStartAfter,
                                                 .dir = dir.path(),
                                                 .server_url = server.ws_url(),
                                                 .mock_url = mock.base_url(),
                                                 .out = shard_dir(i)};
            shards.emplace_back(common::ChildProcess::Options{
                .argv = cmd.argv(MCP_HARNESS_BIN),
                .stderr_file = dir.path() / ("shard-" + std::to_string(i) + ".stderr")});
        }
        for (auto& s : shards) s.wait_for_line("clients start at", std::chrono::seconds(20));
        before_start();
        std::vector<int> codes;
        for (auto& s : shards) {
            codes.push_back(s.wait_exit(std::chrono::seconds(60)));
            if (codes.back() == -1) codes.back() = s.stop();
        }
        return codes;
    }

    // `mcp-harness merge` of the four shards into dir/merged; its exit code.
    int merge() {
        std::vector<std::string> argv = {MCP_HARNESS_BIN, "merge"};
        for (std::size_t i = 1; i <= kShards; ++i) argv.push_back(shard_dir(i).string());
        argv.insert(argv.end(), {"--out", (dir.path() / "merged").string()});
        common::ChildProcess merge({.argv = argv, .stderr_file = dir.path() / "merge.stderr"});
        const int code = merge.wait_exit(std::chrono::seconds(30));
        EXPECT_NE(code, -1) << "merge hung";
        return code;
    }

    // A report.json with its samples.jsonl.
    static reports::RunReport report_in(const fs::path& folder) {
        auto r = reports::parse_json(read_text(folder / "report.json"));
        reports::parse_samples(read_text(folder / "samples.jsonl"), r);
        return r;
    }
};

const reports::Histogram& histogram(const reports::ScenarioResult& s, const std::string& name) {
    for (const auto& m : s.metrics) {
        if (m.name == name) return m.histogram;
    }
    throw std::runtime_error("no " + name + " in " + s.name);
}

TEST(MergeShardsE2E, FourShardsMergeIntoOneRunWithEveryCallOnceAndHistogramsSummed) {
    Rig rig;
    const auto codes = rig.run_shards();
    const int merged_code = rig.merge();
    for (std::size_t i = 0; i < kShards; ++i) {
        EXPECT_TRUE(codes[i] == 0 || codes[i] == 1)  // 1: this busy machine was late somewhere
            << "shard " << i + 1 << " exit " << codes[i] << "\n"
            << read_text(rig.dir.path() / ("shard-" + std::to_string(i + 1) + ".stderr"));
    }
    EXPECT_EQ(merged_code, *std::max_element(codes.begin(), codes.end()))
        << read_text(rig.dir.path() / "merge.stderr");

    const auto merged = Rig::report_in(rig.dir.path() / "merged");
    ASSERT_EQ(merged.scenarios.size(), 1u);
    const auto& m = merged.scenarios[0];
    EXPECT_EQ(merged.options["shard"], "merged 4");

    // Every client's call exactly once, each from the shard k mod 4 + 1 gave it to.
    std::map<std::size_t, int> calls;
    for (const auto& c : m.samples) ++calls[c.client];
    ASSERT_EQ(calls.size(), kClients);
    for (const auto& [client, n] : calls) EXPECT_EQ(n, 1) << "client " << client;

    std::map<std::string, std::map<std::int32_t, std::uint64_t>> summed;
    std::string start_at;
    for (std::size_t i = 1; i <= kShards; ++i) {
        const auto shard = Rig::report_in(rig.shard_dir(i));
        ASSERT_EQ(shard.scenarios.size(), 1u) << i;
        const auto& s = shard.scenarios[0];
        EXPECT_EQ(s.samples.size(), kClients / kShards) << i;
        for (const auto& c : s.samples) EXPECT_EQ(c.client % kShards, i - 1) << i;
        for (const char* name : {"ttft", "relay_lag"}) {
            for (const auto& [index, n] : histogram(s, name).buckets) summed[name][index] += n;
        }
        // One start instant for all.
        if (i == 1) start_at = shard.options.value("start_at", "");
        EXPECT_EQ(shard.options.value("start_at", ""), start_at) << i;
        EXPECT_EQ(m.extra["shards"][i - 1]["dir"], rig.shard_dir(i).string());
    }
    EXPECT_FALSE(start_at.empty());
    for (const char* name : {"ttft", "relay_lag"}) {
        EXPECT_EQ(histogram(m, name).buckets, summed[name]) << name;
        EXPECT_GT(histogram(m, name).count, 0u) << name;
    }
    EXPECT_EQ(m.extra["percentiles_from"]["relay_lag"], "samples");
    EXPECT_TRUE(m.extra.contains("skew_bound_us"));
    EXPECT_THAT(read_text(rig.dir.path() / "merged" / "checklist.md"),
                HasSubstr("of clock skew (the largest"));
}

TEST(MergeShardsE2E, ABrokenClientInOneShardFailsTheMergedChecklistNamingThatShard) {
    Rig rig;
    // Client k asks for patient k + 1 (the server's generated ids 1..N).
    const std::string name = patient_name(rig.dir.path() / "data" / "patients_data.csv",
                                          std::to_string(kBrokenClient + 1));
    std::int64_t injected_us = 0;
    const auto codes = rig.run_shards([&] {
        rig.mock.configure(
            {{"rules",
              {{{"match", "Name: " + literal(name)}, {"fault", "close:after=3"}, {"count", 1}}}}});
        injected_us = common::wall_micros();
    });
    // Injected before the clients began, after every shard's own configuration.
    const auto start_us =
        common::parse_rfc3339_us(read_text(rig.dir.path() / "start" / "start-at"));
    EXPECT_LT(injected_us, start_us) << "the fault came too late: raise kStartAfter";
    EXPECT_EQ(codes[2], 1) << read_text(rig.dir.path() / "shard-3.stderr");
    EXPECT_EQ(rig.merge(), 1) << read_text(rig.dir.path() / "merge.stderr");

    const auto merged = Rig::report_in(rig.dir.path() / "merged");
    const auto& checks = merged.scenarios[0].checks;
    const auto delivered = std::find_if(checks.begin(), checks.end(), [](const auto& c) {
        return c.id == "stream.tokens_delivered";
    });
    ASSERT_NE(delivered, checks.end());
    EXPECT_EQ(delivered->status, reports::Status::failed);
    EXPECT_EQ(delivered->total_items, kClients);
    EXPECT_EQ(delivered->passed_items, kClients - 1);
    EXPECT_THAT(delivered->message, ::testing::StartsWith("shard 3/4: "));
    for (const char* other : {"shard 1/4", "shard 2/4", "shard 4/4"}) {
        EXPECT_THAT(delivered->message, Not(HasSubstr(other)));
    }
    ASSERT_EQ(delivered->evidence.size(), 1u);
    EXPECT_THAT(delivered->evidence[0].call, HasSubstr("client 6 "));
    EXPECT_THAT(delivered->evidence[0].detail, ::testing::StartsWith("shard 3/4: "));

    const std::string md = read_text(rig.dir.path() / "merged" / "checklist.md");
    EXPECT_THAT(md, HasSubstr("- [ ] `stream.tokens_delivered`"));
    EXPECT_THAT(md, HasSubstr("— shard 3/4: "));
    EXPECT_THAT(md, HasSubstr("checklist: FAILED"));
}

}  // namespace
