#include "common/csv.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "common/rng.hpp"

namespace csv = common::csv;
using Rows = std::vector<csv::Row>;

namespace {

// The exception a parse throws, so that tests can check its type, position and message.
csv::ParseError parse_error(std::string_view text) {
    try {
        csv::parse(text);
    } catch (const csv::ParseError& e) {
        return e;
    }
    ADD_FAILURE() << "no ParseError for: " << text;
    return csv::ParseError({0, 0}, "", "");
}

}  // namespace

TEST(CsvParse, SimpleDocumentWithCrlf) {
    EXPECT_EQ(csv::parse("a,b,c\r\n1,2,3\r\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvParse, LfLineEndsAndMissingFinalNewline) {
    EXPECT_EQ(csv::parse("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
    EXPECT_EQ(csv::parse("a,b\r\n1,2\n3,4"), (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));
}

TEST(CsvParse, EmptyDocumentHasNoRecords) {
    EXPECT_TRUE(csv::parse("").empty());
}

TEST(CsvParse, EmptyFieldsAndBlankLines) {
    EXPECT_EQ(csv::parse(",\r\n"), (Rows{{"", ""}}));
    EXPECT_EQ(csv::parse("a,"), (Rows{{"a", ""}}));
    EXPECT_EQ(csv::parse("a\r\n\r\nb\r\n"), (Rows{{"a"}, {""}, {"b"}}));
    EXPECT_EQ(csv::parse("\"\"\r\n"), (Rows{{""}}));
}

TEST(CsvParse, QuotedFieldsKeepEverythingInside) {
    EXPECT_EQ(csv::parse("\"a,b\",\"say \"\"hi\"\"\",\"l1\r\nl2\nl3\rx\"\r\n"),
              (Rows{{"a,b", "say \"hi\"", "l1\r\nl2\nl3\rx"}}));
    EXPECT_EQ(csv::parse("\"\"\"\""), (Rows{{"\""}}));
}

TEST(CsvParse, SpacesAndNonAsciiBytesAreData) {
    EXPECT_EQ(csv::parse(" a , b \r\n"), (Rows{{" a ", " b "}}));
    const std::string bytes = "Jos\xc3\xa9,\xf0\x9f\x98\x80,\xff\xfe";
    EXPECT_EQ(csv::parse(bytes), (Rows{{"Jos\xc3\xa9", "\xf0\x9f\x98\x80", "\xff\xfe"}}));
}

TEST(CsvReader, ReportsWhereEachFieldStarts) {
    csv::Reader reader("id,text\r\nP1,\"two\nlines\",z\r\nP2\n");
    csv::Row row;
    ASSERT_TRUE(reader.next(row));
    EXPECT_EQ(reader.field_positions(), (std::vector<csv::Position>{{1, 1}, {1, 4}}));
    ASSERT_TRUE(reader.next(row));
    EXPECT_EQ(row, (csv::Row{"P1", "two\nlines", "z"}));
    EXPECT_EQ(reader.field_positions(), (std::vector<csv::Position>{{2, 1}, {2, 4}, {3, 8}}));
    ASSERT_TRUE(reader.next(row));
    EXPECT_EQ(reader.field_positions(), (std::vector<csv::Position>{{4, 1}}));
    EXPECT_FALSE(reader.next(row));
}

TEST(CsvErrors, QuoteInUnquotedField) {
    const auto e = parse_error("a,b\r\nx,ab\"c\r\n");
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 5u);
    EXPECT_STREQ(e.what(),
                 "line 2, column 5: quote in unquoted field (quote the whole field and double "
                 "inner quotes)");
}

TEST(CsvErrors, CharacterAfterClosingQuote) {
    // The quoted field spans lines 2-3; the stray space is column 6 of line 3.
    const auto e = parse_error("h1,h2\r\n\"multi\nline\" ,x\r\n");
    EXPECT_EQ(e.where(), (csv::Position{3, 6}));
    EXPECT_EQ(e.problem(), "unexpected character after closing quote");
    EXPECT_STREQ(e.what(), "line 3, column 6: unexpected character after closing quote");
}

TEST(CsvErrors, UnterminatedQuotedField) {
    const auto e = parse_error("a,b\r\nc,\"open\r\nmore,text\r\n");
    EXPECT_EQ(e.where(), (csv::Position{2, 3}));
    EXPECT_EQ(e.problem(), "unterminated quoted field");
    EXPECT_STREQ(e.what(), "unterminated quoted field starting at line 2, column 3");
}

TEST(CsvErrors, BareCarriageReturn) {
    EXPECT_STREQ(parse_error("a\rb").what(),
                 "line 1, column 2: carriage return not followed by line feed");
    EXPECT_STREQ(parse_error("\"a\"\rb").what(),
                 "line 1, column 4: carriage return not followed by line feed");
}

TEST(CsvErrors, ColumnsCountBytesNotCharacters) {
    // "é" is two bytes, so the opening quote is byte 4 and the stray "y" byte 7.
    EXPECT_STREQ(parse_error("\xc3\xa9,\"x\"y").what(),
                 "line 1, column 7: unexpected character after closing quote");
}

TEST(CsvErrors, IsARuntimeError) {
    EXPECT_THROW(csv::parse("\"x"), std::runtime_error);
}

TEST(CsvEncode, QuotesOnlyWhenNeeded) {
    std::string out;
    csv::append_row(out, {"plain", "a,b", "say \"hi\"", "cr\rx", "lf\nx", " lead", "trail ", "=cmd",
                          "", "Jos\xc3\xa9"});
    EXPECT_EQ(out,
              "plain,\"a,b\",\"say \"\"hi\"\"\",\"cr\rx\",\"lf\nx\",\" lead\",\"trail \",=cmd,,"
              "Jos\xc3\xa9\r\n");
}

TEST(CsvEncode, LoneEmptyFieldIsQuotedSoItIsNotABlankLine) {
    EXPECT_EQ(csv::encode({{""}, {"", ""}}), "\"\"\r\n,\r\n");
}

TEST(CsvEncode, RowWithoutFieldsIsRejected) {
    std::string out;
    EXPECT_THROW(csv::append_row(out, std::span<const std::string>{}), std::invalid_argument);
}

TEST(CsvRoundTrip, HostileText) {
    const Rows rows = {
        {"quote \"inside\"", "\"", "\"\"", "comma, here", ",", ",,"},
        {"cr\r", "\rlead", "lf\n", "\n", "crlf\r\nmid", "\r\n"},
        {"emoji \xf0\x9f\x92\x89 \xf0\x9f\xa9\xba", "\xe6\x82\xa3\xe8\x80\x85",
         "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)"},
        {"  leading", "trailing  ", "\ttab", " ", "", "x"},
        {"", "", "", "", "", ""},
        {""},
        {std::string("nul\0byte", 8), "\xff\xfe invalid utf8", "a\"b,c\nd\re", "end"},
    };
    const auto text = csv::encode(rows);
    EXPECT_EQ(csv::parse(text), rows);
    EXPECT_EQ(csv::encode(csv::parse(text)), text);
}

TEST(CsvRoundTrip, RandomFieldsProperty) {
    // Alphabet weighted towards the bytes that matter to CSV.
    const std::vector<std::string> pieces = {",",
                                             "\"",
                                             "\r",
                                             "\n",
                                             "\r\n",
                                             " ",
                                             "\t",
                                             "a",
                                             "Z",
                                             "0",
                                             "=",
                                             "\xc3\xa9",
                                             "\xf0\x9f\x98\x80",
                                             "\xff",
                                             std::string(1, '\0'),
                                             "\"\""};
    common::Rng rng(20240302);
    for (int iteration = 0; iteration < 3000; ++iteration) {
        Rows rows(1 + rng.below(4));
        for (auto& row : rows) {
            row.resize(1 + rng.below(5));
            for (auto& field : row) {
                const auto length = rng.below(9);
                for (std::uint64_t i = 0; i < length; ++i)
                    field += pieces[rng.below(pieces.size())];
            }
        }
        const auto text = csv::encode(rows);
        ASSERT_EQ(csv::parse(text), rows) << "iteration " << iteration;
        ASSERT_EQ(csv::encode(csv::parse(text)), text) << "iteration " << iteration;
    }
}

TEST(CsvPerformance, TenThousandRowsParseInMilliseconds) {
    common::Rng rng(7);
    Rows rows = {{"patient_id", "name", "summary"}};
    for (int i = 0; i < 10000; ++i) {
        std::string summary;
        while (summary.size() < 200) {
            summary += rng.chance(0.1) ? "\"quoted\", " : rng.chance(0.05) ? "\r\n" : "word ";
        }
        rows.push_back({"P" + std::to_string(i), "Name " + std::to_string(i), summary});
    }
    const auto text = csv::encode(rows);
    const auto start = std::chrono::steady_clock::now();
    const auto parsed = csv::parse(text);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    std::cout << "parsed " << text.size() << " bytes, " << parsed.size() << " rows in " << micros
              << " us\n";
    EXPECT_EQ(parsed, rows);
    // Generous bound: sanitizer builds are several times slower than the few ms of a release.
    EXPECT_LT(micros, 500'000);
}
