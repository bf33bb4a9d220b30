// The tool-choice rule, call ids and the answer's opening after a tool result.
#include "mock_ollama/tool_call.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace {

using namespace mock_ollama;
using ::testing::StartsWith;

std::vector<ToolSpec> tools() {
    return {{"get_time", "The time now in a timezone", nullptr},
            {"getWeather", "Current conditions for a city", nullptr},
            {"search_docs", "Search the manuals", nullptr}};
}

TEST(ChooseTool, NameWordsOutweighDescriptionWords) {
    const auto t = tools();
    EXPECT_EQ(choose_tool(t, "What's the WEATHER like?", 0), 1u) << "camelCase split, any case";
    EXPECT_EQ(choose_tool(t, "what time is it", 0), 0u);
    EXPECT_EQ(choose_tool(t, "search for printers", 0), 2u);
    // "city" is in getWeather's description only, "time" in get_time's name: the name wins.
    EXPECT_EQ(choose_tool(t, "the time in that city", 0), 0u);
    EXPECT_EQ(choose_tool(t, "weathers", 0), 1u) << "a final s is dropped";
}

TEST(ChooseTool, TiesGoByTheKeyAndCommonWordsDoNotCount) {
    const auto t = tools();
    std::set<std::size_t> picked;
    for (std::uint64_t key = 0; key < 30; ++key) {
        const auto i = choose_tool(t, "the and for with", key);
        EXPECT_EQ(i, key % 3) << "no word matches: all three tie";
        picked.insert(i);
    }
    EXPECT_EQ(picked.size(), 3u);
}

TEST(ToolCallId, LooksLikeOllamasAndIsStable) {
    const auto id = tool_call_id(12345);
    EXPECT_THAT(id, StartsWith("call_"));
    ASSERT_EQ(id.size(), 13u);
    for (char c : id.substr(5)) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << id;
    EXPECT_EQ(tool_call_id(12345), id);
    EXPECT_NE(tool_call_id(12346), id);
}

TEST(ToolResultPreface, QuotesTheResultOnACharacterBoundary) {
    EXPECT_EQ(tool_result_preface("get_time", "12:00\nUTC"), "According to get_time: 12:00 UTC.\n");
    EXPECT_EQ(tool_result_preface("", "ok"), "According to the tool: ok.\n");
    // 159 ASCII bytes then a 2-byte character across the cut: it is left out whole.
    const std::string long_result = std::string(159, 'a') + "\xc3\xa9" + "tail";
    const auto p = tool_result_preface("t", long_result);
    EXPECT_EQ(p, "According to t: " + std::string(159, 'a') + "....\n");
}

TEST(MakeToolCall, ArgumentsAreAnObjectFromTheSchema) {
    const ToolSpec t{"f", "", {{"type", "object"}, {"properties", {{"n", {{"type", "integer"}}}}}}};
    auto made = make_tool_call(t, 1, 2);
    ASSERT_TRUE(std::holds_alternative<ToolCall>(made)) << std::get<std::string>(made);
    const auto& c = std::get<ToolCall>(made);
    EXPECT_EQ(c.name, "f");
    const auto args = nlohmann::json::parse(c.arguments);
    ASSERT_TRUE(args.contains("n")) << c.arguments;
    EXPECT_TRUE(args["n"].is_number_integer());
    // No parameters: no arguments.
    EXPECT_EQ(std::get<ToolCall>(make_tool_call({"g", "", nullptr}, 1, 2)).arguments, "{}");
    // A schema the generator refuses: the error names the tool.
    auto bad =
        make_tool_call({"h", "", {{"type", "object"}, {"patternProperties", {{"x", {}}}}}}, 1, 2);
    ASSERT_TRUE(std::holds_alternative<std::string>(bad));
    EXPECT_THAT(std::get<std::string>(bad),
                StartsWith("tool \"h\": unsupported parameters schema"));
}

}  // namespace
