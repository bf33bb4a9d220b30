#include "common/utf8.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Utf8, CountsCodePointsNotBytes) {
    EXPECT_EQ(common::utf8::code_points(""), 0u);
    EXPECT_EQ(common::utf8::code_points("abc"), 3u);
    EXPECT_EQ(common::utf8::code_points("Núñez"), 5u);
    EXPECT_EQ(common::utf8::code_points("\xF0\x9F\xA9\xBA ok"), 4u);  // stethoscope emoji
}

TEST(Utf8, ValidAcceptsWellFormedText) {
    EXPECT_TRUE(common::utf8::valid("plain"));
    EXPECT_TRUE(common::utf8::valid("José Álvarez µg °C \xF0\x9F\x92\x8A"));
}

TEST(Utf8, ValidRejectsBrokenSequences) {
    EXPECT_FALSE(common::utf8::valid("\xC3"));              // truncated
    EXPECT_FALSE(common::utf8::valid("\xC0\xAF"));          // overlong
    EXPECT_FALSE(common::utf8::valid("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(common::utf8::valid("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(common::utf8::valid("a\x80z"));            // stray continuation
}

TEST(Utf8, ScalarLenIsTheLengthOfTheWellFormedScalarAtTheStart) {
    using common::utf8::scalar_len;
    EXPECT_EQ(scalar_len("az"), 1u);
    EXPECT_EQ(scalar_len("\xC3\xA9z"), 2u);         // é
    EXPECT_EQ(scalar_len("\xE2\x82\xAC"), 3u);      // €
    EXPECT_EQ(scalar_len("\xF0\x9F\x92\x8A"), 4u);  // pill emoji
    EXPECT_EQ(scalar_len(""), 0u);
    EXPECT_EQ(scalar_len("\xC3"), 0u);              // truncated
    EXPECT_EQ(scalar_len("\xC0\xAF"), 0u);          // overlong
    EXPECT_EQ(scalar_len("\xED\xA0\x80"), 0u);      // surrogate
    EXPECT_EQ(scalar_len("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
    EXPECT_EQ(scalar_len("\x80z"), 0u);             // stray continuation
}

TEST(Utf8, SequenceLengthFromLeadByte) {
    EXPECT_EQ(common::utf8::sequence_length('a'), 1u);
    EXPECT_EQ(common::utf8::sequence_length(0xC3), 2u);
    EXPECT_EQ(common::utf8::sequence_length(0xE2), 3u);
    EXPECT_EQ(common::utf8::sequence_length(0xF0), 4u);
    EXPECT_EQ(common::utf8::sequence_length(0x80), 1u);
}

}  // namespace

TEST(Utf8, AppendEncodesEachLengthAndRoundTripsThroughValid) {
    std::string out;
    for (const char32_t cp : {U'A', U'\u00e9', U'\u20ac', U'\U0001F600', U'\U0010FFFF'}) {
        out.clear();
        common::utf8::append(out, cp);
        EXPECT_TRUE(common::utf8::valid(out));
        EXPECT_EQ(common::utf8::code_points(out), 1u);
    }
    out.clear();
    common::utf8::append(out, U'\u00e9');
    EXPECT_EQ(out, "\xC3\xA9");
    out.clear();
    common::utf8::append(out, U'\U0001F600');
    EXPECT_EQ(out, "\xF0\x9F\x98\x80");
}
