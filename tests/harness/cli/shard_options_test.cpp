// --shard I/N and --shard auto: every malformed value refused with a message naming the
// option, and auto read from Kubernetes' and GitLab's variables given by a fake environment.
#include "cli/shard_options.hpp"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/parsed_line.hpp"

namespace harness::cli {
namespace {

using ::testing::HasSubstr;

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string parse_error(std::string_view text) {
    try {
        parse_shard(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string resolve_error(const std::string& given, std::uint64_t count,
                          std::map<std::string, std::string> vars) {
    try {
        resolve_shard(given, count, env_of(std::move(vars)));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(ShardOption, ParsesIOfN) {
    EXPECT_EQ(parse_shard("1/4"), (Shard{1, 4}));
    EXPECT_EQ(parse_shard("4/4"), (Shard{4, 4}));
    EXPECT_EQ(parse_shard("1/1"), (Shard{1, 1}));
    EXPECT_EQ(parse_shard("100000/100000"), (Shard{100000, 100000}));
    EXPECT_EQ(parse_shard("2/4").text(), "2/4");
}

TEST(ShardOption, RefusesMalformedValues) {
    EXPECT_EQ(parse_error("0/4"),
              "--shard: '0/4': I must be a whole number 1..4 (shards are numbered from 1)");
    EXPECT_THAT(parse_error("5/4"), HasSubstr("I must be a whole number 1..4"));
    EXPECT_EQ(parse_error("1/0"), "--shard: '1/0': N must be a whole number 1..100000");
    EXPECT_THAT(parse_error("a/b"), HasSubstr("N must be a whole number"));
    EXPECT_THAT(parse_error("a/4"), HasSubstr("I must be a whole number 1..4"));
    EXPECT_THAT(parse_error(""), HasSubstr("expected I/N"));
    EXPECT_THAT(parse_error("3"), HasSubstr("expected I/N"));
    EXPECT_THAT(parse_error("/4"), HasSubstr("I must be"));
    EXPECT_THAT(parse_error("1/"), HasSubstr("N must be"));
    EXPECT_THAT(parse_error("1/4/2"), HasSubstr("N must be"));
    EXPECT_THAT(parse_error("-1/4"), HasSubstr("I must be"));
    EXPECT_THAT(parse_error("+1/4"), HasSubstr("I must be"));
    EXPECT_THAT(parse_error(" 1/4"), HasSubstr("I must be"));
    EXPECT_THAT(parse_error("1/4 "), HasSubstr("N must be"));
    EXPECT_THAT(parse_error("1/100001"), HasSubstr("N must be a whole number 1..100000"));
    // Overflow: no wrap-around into a small valid number.
    EXPECT_THAT(parse_error("1/18446744073709551617"), HasSubstr("N must be"));
    EXPECT_THAT(parse_error("18446744073709551617/4"), HasSubstr("I must be"));
    EXPECT_THAT(parse_error("1/99999999999999999999999"), HasSubstr("N must be"));
}

TEST(ShardOption, KubernetesIndexedJobIsZeroBased) {
    const auto env = env_of({{"JOB_COMPLETION_INDEX", "0"}});
    EXPECT_EQ(resolve_shard("auto", 4, env), (Shard{1, 4}));
    EXPECT_EQ(resolve_shard("auto", 4, env_of({{"JOB_COMPLETION_INDEX", "3"}})), (Shard{4, 4}));
    // It wins over GitLab's variables when both are set.
    EXPECT_EQ(resolve_shard("auto", 2,
                            env_of({{"JOB_COMPLETION_INDEX", "1"},
                                    {"CI_NODE_INDEX", "1"},
                                    {"CI_NODE_TOTAL", "5"}})),
              (Shard{2, 2}));
}

TEST(ShardOption, KubernetesMistakes) {
    EXPECT_THAT(resolve_error("auto", 0, {{"JOB_COMPLETION_INDEX", "0"}}),
                HasSubstr("--shard-count is not: give the Job's completions"));
    EXPECT_EQ(resolve_error("auto", 4, {{"JOB_COMPLETION_INDEX", "4"}}),
              "--shard auto: JOB_COMPLETION_INDEX='4' is not an index 0..3 (--shard-count 4)");
    EXPECT_THAT(resolve_error("auto", 4, {{"JOB_COMPLETION_INDEX", ""}}),
                HasSubstr("JOB_COMPLETION_INDEX=''"));
    EXPECT_THAT(resolve_error("auto", 4, {{"JOB_COMPLETION_INDEX", "-1"}}),
                HasSubstr("is not an index"));
    EXPECT_THAT(resolve_error("auto", 4, {{"JOB_COMPLETION_INDEX", "99999999999999999999999"}}),
                HasSubstr("is not an index"));
}

TEST(ShardOption, GitLabParallelIsOneBased) {
    EXPECT_EQ(resolve_shard("auto", 0, env_of({{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "3"}})),
              (Shard{1, 3}));
    EXPECT_EQ(resolve_shard("auto", 3, env_of({{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}})),
              (Shard{3, 3}));
}

TEST(ShardOption, GitLabMistakes) {
    EXPECT_THAT(resolve_error("auto", 0, {{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "3"}}),
                HasSubstr("CI_NODE_INDEX='0' is not a shard number 1..3"));
    EXPECT_THAT(resolve_error("auto", 0, {{"CI_NODE_INDEX", "4"}, {"CI_NODE_TOTAL", "3"}}),
                HasSubstr("CI_NODE_INDEX='4'"));
    EXPECT_THAT(resolve_error("auto", 0, {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "0"}}),
                HasSubstr("CI_NODE_TOTAL='0' is not a shard count"));
    EXPECT_THAT(resolve_error("auto", 0, {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "x"}}),
                HasSubstr("CI_NODE_TOTAL='x'"));
    EXPECT_EQ(resolve_error("auto", 0, {{"CI_NODE_INDEX", "1"}}),
              "--shard auto: CI_NODE_INDEX is set but CI_NODE_TOTAL is not");
    EXPECT_EQ(resolve_error("auto", 0, {{"CI_NODE_TOTAL", "2"}}),
              "--shard auto: CI_NODE_TOTAL is set but CI_NODE_INDEX is not");
    EXPECT_EQ(resolve_error("auto", 4, {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "3"}}),
              "--shard-count 4 disagrees with CI_NODE_TOTAL=3");
}

TEST(ShardOption, AutoWithNoVariableNamesTheOnesLookedFor) {
    const auto e = resolve_error("auto", 0, {});
    EXPECT_THAT(e, HasSubstr("JOB_COMPLETION_INDEX"));
    EXPECT_THAT(e, HasSubstr("CI_NODE_INDEX and CI_NODE_TOTAL"));
    EXPECT_THAT(e, HasSubstr("--shard I/N"));
}

TEST(ShardOption, ExplicitAndAbsent) {
    const auto none = env_of({{"CI_NODE_INDEX", "2"}, {"CI_NODE_TOTAL", "3"}});
    EXPECT_EQ(resolve_shard("", 0, none), std::nullopt);  // no --shard: the variables are ignored
    EXPECT_EQ(resolve_shard("2/3", 0, none), (Shard{2, 3}));
    EXPECT_THAT(resolve_error("2/3", 3, {}), HasSubstr("--shard-count goes with --shard auto"));
    EXPECT_THAT(resolve_error("", 3, {}), HasSubstr("--shard-count goes with --shard auto"));
    EXPECT_THAT(resolve_error("auto", 100001, {}), HasSubstr("--shard-count: must be"));
}

// Through the real command line: the message a user sees (exit code 2, cli.cpp).
TEST(ShardOption, TheCommandLineRefusesBadShards) {
    EXPECT_THAT(rejected("run --shard 0/4"), HasSubstr("--shard: '0/4'"));
    EXPECT_THAT(rejected("run --shard 2/4 --shard-count 4"), HasSubstr("--shard-count goes"));
    EXPECT_THAT(rejected("run --start-at +5"), HasSubstr("needs --start-dir"));
    EXPECT_THAT(rejected("run --start-at tomorrow"), HasSubstr("--start-at: 'tomorrow'"));
    const auto r = parsed("run --shard 3/4 --start-at 2026-12-04T23:10:00Z");
    EXPECT_EQ(r.run.shard, (Shard{3, 4}));
    ASSERT_TRUE(r.run.start_at && r.run.start_at->at_us);
    EXPECT_EQ(*r.run.start_at->at_us, 1'796'425'800'000'000);
    EXPECT_EQ(parsed("run").run.shard, std::nullopt);
}

}  // namespace
}  // namespace harness::cli
