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

}  // namespace
