// The real `mcp-harness merge` on report folders written here (the synthetic shards of
// tests/reports/merge_support.hpp): the merged report set and exit code, and every bad input
// (missing file, broken JSON, a bad samples.jsonl line, the wrong shard set, --out over an
// input) an exit code 2 naming the file or folder and the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/child_process.hpp"
#include "merge_support.hpp"
#include "reports/json.hpp"
#include "reports/samples.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

struct Result {
    int status = -1;
    std::string err;
};

class MergeCli : public ::testing::Test {
  protected:
    test_support::TempDir dir{"merge-cli"};

    // Shard i of n written as a run writes it: report.json and samples.jsonl in dir/shard-i.
    fs::path write_shard(std::size_t i, std::size_t n,
                         reports::Status status = reports::Status::passed) {
        auto in = reports_test::shard(i, n, 8);
        in.report.scenarios[0].checks[0].status = status;
        const auto folder = dir.path() / ("shard-" + std::to_string(i));
        write(folder / "report.json", reports::render_json(in.report));
        write(folder / "samples.jsonl", reports::render_samples(in.report));
        return folder;
    }

    std::vector<std::string> all_shards(std::size_t n) {
        std::vector<std::string> out;
        for (std::size_t i = 1; i <= n; ++i) out.push_back(write_shard(i, n).string());
        return out;
    }

    Result merge(std::vector<std::string> args) {
        args.insert(args.begin(), {MCP_HARNESS_BIN, "merge"});
        const auto log = dir.path() / "merge.stderr";
        common::ChildProcess child({.argv = args, .stderr_file = log});
        Result r;
        r.status = child.wait_exit(std::chrono::seconds(20));
        if (r.status == -1) r.status = child.stop(std::chrono::seconds(1));
        r.err = read_text(log);
        return r;
    }

    std::string out() const { return (dir.path() / "merged").string(); }
};

TEST_F(MergeCli, WritesOneReportSetWithTheMergedVerdict) {
    auto args = all_shards(3);
    args.insert(args.end(), {"--out", out()});
    const auto r = merge(args);
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* f :
         {"report.json", "junit.xml", "checklist.md", "samples.jsonl", "report.html"}) {
        EXPECT_TRUE(fs::exists(fs::path(out()) / f)) << f;
    }
    auto merged = reports::parse_json(read_text(fs::path(out()) / "report.json"));
    EXPECT_EQ(merged.options["shard"], "merged 3");
    reports::parse_samples(read_text(fs::path(out()) / "samples.jsonl"), merged);
    EXPECT_EQ(merged.scenarios[0].samples.size(), 8u);
    EXPECT_THAT(read_text(fs::path(out()) / "checklist.md"), HasSubstr("## Shards"));
}

TEST_F(MergeCli, AFailedShardMakesExitCodeOne) {
    write_shard(1, 2);
    write_shard(2, 2, reports::Status::failed);
    const auto r = merge({(dir.path() / "shard-1").string(), (dir.path() / "shard-2").string(),
                          "--out", out(), "--format", "md"});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_THAT(read_text(fs::path(out()) / "checklist.md"), HasSubstr("shard 2/2"));
    EXPECT_FALSE(fs::exists(fs::path(out()) / "report.json"));  // --format md only
}

TEST_F(MergeCli, AFolderWithoutReportJsonIsNamed) {
    auto args = all_shards(2);
    fs::remove(fs::path(args[1]) / "report.json");
    const auto r = merge(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("mcp-harness merge: " + args[1] + ": no report.json there"));
}

TEST_F(MergeCli, BrokenJsonIsNamedByFile) {
    auto args = all_shards(2);
    write(fs::path(args[0]) / "report.json", "{\"schema_version\": 2,");
    const auto r = merge(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr(args[0] + "/report.json: not a readable report.json: not valid "
                                           "JSON"));
}

TEST_F(MergeCli, AMissingFieldIsNamedByItsPath) {
    auto args = all_shards(2);
    auto j = nlohmann::json::parse(read_text(fs::path(args[1]) / "report.json"));
    j["scenarios"][0].erase("checks");
    write(fs::path(args[1]) / "report.json", j.dump());
    const auto r = merge(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr(args[1] + "/report.json: not a readable report.json: "
                                           "scenarios[0].checks: missing"));
}

TEST_F(MergeCli, ABadSamplesLineIsNamedByFileAndLine) {
    auto args = all_shards(2);
    std::ofstream(fs::path(args[0]) / "samples.jsonl", std::ios::app) << "{\"scenario\": 3}\n";
    const auto r = merge(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr(args[0] + "/samples.jsonl:6: scenario: expected a string"));
}

TEST_F(MergeCli, TheWrongShardSetIsRefused) {
    auto args = all_shards(3);
    args.pop_back();
    const auto missing = merge(args);
    EXPECT_EQ(missing.status, 2);
    EXPECT_THAT(missing.err, HasSubstr("shard(s) 3 of 3 missing"));
    args.push_back(args[0]);
    const auto twice = merge(args);
    EXPECT_EQ(twice.status, 2);
    EXPECT_THAT(twice.err, HasSubstr(args[0] + ": options.shard: shard 1/3 is also " + args[0]));
}

TEST_F(MergeCli, OutMayNotBeAnInput) {
    auto args = all_shards(2);
    args.insert(args.end(), {"--out", args[0]});
    const auto r = merge(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("--out " + args[0] + " is one of the inputs"));
    EXPECT_EQ(read_text(fs::path(args[0]) / "report.json").find("merged"), std::string::npos);
}

TEST_F(MergeCli, NoFolderIsAUsageError) {
    const auto r = merge({});
    EXPECT_EQ(r.status, 106);  // CLI11's RequiredError
    EXPECT_THAT(r.err, HasSubstr("dirs is required"));
}

}  // namespace
