#include "common/enum_names.hpp"

#include <gtest/gtest.h>

namespace {

enum class Color { red, green, blue };

constexpr common::EnumNames<Color, 2> kNames{{{Color::red, "red"}, {Color::green, "green"}}};

TEST(EnumNames, ParsesExactNamesOnly) {
    EXPECT_EQ(common::parse_enum(kNames, "red"), Color::red);
    EXPECT_EQ(common::parse_enum(kNames, "green"), Color::green);
    EXPECT_EQ(common::parse_enum(kNames, "Red"), std::nullopt);
    EXPECT_EQ(common::parse_enum(kNames, "re"), std::nullopt);
    EXPECT_EQ(common::parse_enum(kNames, ""), std::nullopt);
    EXPECT_EQ(common::parse_enum(kNames, std::string_view("red\0", 4)), std::nullopt);
}

TEST(EnumNames, NamesEachValueAndFallsBackToTheFirst) {
    EXPECT_EQ(common::enum_name(kNames, Color::red), "red");
    EXPECT_EQ(common::enum_name(kNames, Color::green), "green");
    EXPECT_EQ(common::enum_name(kNames, Color::blue), "red");  // not in the table
    static_assert(common::enum_name(kNames, Color::green) == "green");
}

TEST(EnumNames, EveryNameParsesBackToItsValue) {
    for (const auto& [value, name] : kNames) {
        EXPECT_EQ(common::parse_enum(kNames, common::enum_name(kNames, value)), value);
    }
}

TEST(EnumNames, SpellingsAreTheNamesInTheTablesOrder) {
    constexpr auto spellings = common::enum_spellings(kNames);
    ASSERT_EQ(spellings.size(), kNames.size());
    for (std::size_t i = 0; i < kNames.size(); ++i) EXPECT_EQ(spellings[i], kNames[i].second);
}

}  // namespace
