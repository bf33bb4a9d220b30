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
