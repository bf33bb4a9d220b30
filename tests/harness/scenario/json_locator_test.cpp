#include "harness/json_locator.hpp"

#include <gtest/gtest.h>

namespace harness {
namespace {

TEST(JsonPointerToken, EscapesTildeThenSlashAndNothingElse) {
    EXPECT_EQ(json_pointer_token(""), "");
    EXPECT_EQ(json_pointer_token("steps"), "steps");
    EXPECT_EQ(json_pointer_token("a/b"), "a~1b");
    EXPECT_EQ(json_pointer_token("m~n"), "m~0n");
    // "~1" written by hand must not read back as "/": its tilde is escaped first.
    EXPECT_EQ(json_pointer_token("~1"), "~01");
    EXPECT_EQ(json_pointer_token("/~/"), "~1~0~1");
    EXPECT_EQ(json_pointer_token(std::string_view("a\0b", 3)), std::string("a\0b", 3));
}

TEST(JsonLocator, FindsAKeyWhoseNameNeedsEscaping) {
    const std::string text = "{\n  \"a/b\": {\"~x\": 1}\n}";
    const JsonLocator locator(text);
    const auto value =
        locator.find("/" + json_pointer_token("a/b") + "/" + json_pointer_token("~x"));
    EXPECT_EQ(value.line, 2u);
    EXPECT_EQ(value.column, 17u);
    const auto key = locator.find("/" + json_pointer_token("a/b"), true);
    EXPECT_EQ(key.line, 2u);
    EXPECT_EQ(key.column, 3u);
}

}  // namespace
}  // namespace harness
