#include "common/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace {

using ::testing::EndsWith;
using ::testing::MatchesRegex;

std::string counted(int& evaluations, std::string text) {
    ++evaluations;
    return text;
}

TEST(Log, EveryLevelNameParsesBackAndTheListIsLowestFirst) {
    const auto names = common::log_level_names();
    ASSERT_EQ(names.size(), 6u);
    EXPECT_EQ(names.front(), "trace");
    EXPECT_EQ(names.back(), "off");
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto level = common::parse_log_level(names[i]);
        ASSERT_TRUE(level.has_value()) << names[i];
        EXPECT_EQ(static_cast<std::size_t>(*level), i);
        EXPECT_EQ(common::to_string(*level), names[i]);
    }
    EXPECT_EQ(common::parse_log_level("INFO"), std::nullopt);
    EXPECT_EQ(common::parse_log_level(""), std::nullopt);
}

TEST(Log, TheMacroDoesNotEvaluateTheMessageBelowTheLevel) {
    const common::Logger logger("t", common::LogLevel::warn);
    int evaluations = 0;
    testing::internal::CaptureStderr();
    MSH_DEBUG(logger, counted(evaluations, "hidden"));
    MSH_INFO(logger, counted(evaluations, "hidden"));
    MSH_TRACE(common::Logger("t", common::LogLevel::off), counted(evaluations, "hidden"));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(evaluations, 0);
}

TEST(Log, TheMacroWritesTheSameLineAsTheMethod) {
    const common::Logger logger("mcp-server", common::LogLevel::info);
    int evaluations = 0;
    testing::internal::CaptureStderr();
    MSH_WARN(logger, counted(evaluations, "listening on x"));
    logger.warn("listening on x");
    const std::string out = testing::internal::GetCapturedStderr();
    EXPECT_EQ(evaluations, 1);
    const auto nl = out.find('\n');
    ASSERT_NE(nl, std::string::npos);
    const std::string first = out.substr(0, nl + 1), second = out.substr(nl + 1);
    EXPECT_THAT(first, MatchesRegex("[0-9T:.-]+Z warn mcp-server: listening on x\n"));
    // Identical apart from the timestamp.
    EXPECT_EQ(first.substr(first.find(' ')), second.substr(second.find(' ')));
    EXPECT_THAT(second, EndsWith(" warn mcp-server: listening on x\n"));
}

}  // namespace
