#include "common/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

TEST(JsonText, EscapesWhatJsonRequiresAndKeepsUtf8) {
    std::string out;
    common::append_json_string(out, "a\"b\\c\nd\re\tf\x01 Núñez 🩺");
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001 Núñez 🩺\"");
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\"b\\c\nd\re\tf\x01 Núñez 🩺");
}

TEST(JsonText, EveryControlCharacterRoundTrips) {
    std::string all;
    for (int c = 0; c < 0x20; ++c) all += static_cast<char>(c);
    std::string out;
    common::append_json_string(out, all);
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), all);
}

TEST(JsonNesting, CountsArraysAndObjectsUpToTheLimit) {
    EXPECT_TRUE(common::json_nesting_within("", 0));
    EXPECT_TRUE(common::json_nesting_within("1", 0));
    EXPECT_FALSE(common::json_nesting_within("[]", 0));
    EXPECT_TRUE(common::json_nesting_within(R"({"a":[1,{"b":2}]})", 3));
    EXPECT_FALSE(common::json_nesting_within(R"({"a":[1,{"b":2}]})", 2));
    EXPECT_TRUE(common::json_nesting_within("[][][]", 1));  // siblings do not add up
    EXPECT_FALSE(common::json_nesting_within(std::string(1'000'000, '['), 256));
}

TEST(JsonNesting, BracketsInStringsDoNotCount) {
    EXPECT_TRUE(common::json_nesting_within(R"(["[[[{{{"])", 1));
    // An escaped quote does not end the string; an escaped backslash does not escape it.
    EXPECT_TRUE(common::json_nesting_within(R"(["\"[[[["])", 1));
    EXPECT_FALSE(common::json_nesting_within(R"(["\\",[[]])", 2));
}

TEST(JsonNesting, MalformedInputIsScannedNotJudged) {
    EXPECT_TRUE(common::json_nesting_within("]]]]}}}[", 1));  // stray closers lower the depth
    EXPECT_TRUE(common::json_nesting_within("\"[[[[", 1));    // unterminated string
    EXPECT_TRUE(common::json_nesting_within("[\"\\", 1));     // ends inside an escape
    EXPECT_FALSE(common::json_nesting_within("[[\xFF", 1));
}

}  // namespace
