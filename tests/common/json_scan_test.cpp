#include "common/json_scan.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/rng.hpp"
#include "json_scan_differential.hpp"

namespace {

using common::FlatMember;

std::string decoded(const FlatMember& m) {
    std::string out;
    EXPECT_TRUE(common::json_unescape(m.raw, out));
    return out;
}

TEST(JsonScan, ReadsAnOllamaTokenLine) {
    const std::string line =
        R"({"model":"phi","created_at":"2024-01-01T00:00:00.1Z","response":" caf\u00e9 \"x\"\n","done":false})";
    std::vector<FlatMember> m;
    ASSERT_TRUE(common::scan_flat_object(line, m));
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[0].key, "model");
    EXPECT_EQ(decoded(m[0]), "phi");
    EXPECT_EQ(m[2].key, "response");
    EXPECT_EQ(m[2].kind, FlatMember::Kind::string);
    EXPECT_EQ(decoded(m[2]), " caf\xC3\xA9 \"x\"\n");
    EXPECT_EQ(m[3].kind, FlatMember::Kind::boolean);
    EXPECT_FALSE(m[3].boolean);
}

TEST(JsonScan, ReadsEveryScalarKindAndWhitespace) {
    std::vector<FlatMember> m;
    ASSERT_TRUE(common::scan_flat_object(
        " \t{ \"a\" : true ,\"b\":null,\"c\":-0.5e+3, \"d\":0,\"e\":\"\"}\r\n", m));
    ASSERT_EQ(m.size(), 5u);
    EXPECT_TRUE(m[0].boolean);
    EXPECT_EQ(m[1].kind, FlatMember::Kind::null);
    EXPECT_EQ(m[2].kind, FlatMember::Kind::number);
    EXPECT_EQ(m[2].raw, "-0.5e+3");
    EXPECT_EQ(m[3].raw, "0");
    EXPECT_EQ(m[4].raw, "");
    ASSERT_TRUE(common::scan_flat_object("{}", m));
    EXPECT_TRUE(m.empty());
}

TEST(JsonScan, DeclinesWhatIsNotAFlatObject) {
    std::vector<FlatMember> m;
    for (const char* text : {
             "",
             "[]",
             "\"s\"",
             "{",
             "{\"a\"}",
             "{\"a\":}",
             "{\"a\":1,}",
             "{\"a\":1 \"b\":2}",
             "{\"a\":1}x",
             "{\"a\":1}{}",
             "{\"a\":[1]}",        // nested: the full parser's job
             "{\"a\":{\"b\":1}}",  // nested
             "{\"context\":[1,2,3],\"done\":true}",
             "{\"a\":01}",  // leading zero
             "{\"a\":1.}",
             "{\"a\":.5}",
             "{\"a\":1e}",
             "{\"a\":-}",
             "{\"a\":+1}",
             "{\"a\":tru}",
             "{\"a\":nul}",
             "{\"a\":True}",
             "{\"a\":\"x\ty\"}",  // raw control character
             "{\"a\":\"\\x\"}",   // bad escape
             "{\"a\":\"\\u12G4\"}",
             "{\"a\":\"\\ud800\"}",  // unpaired high surrogate
             "{\"a\":\"\\udc00\"}",  // lone low surrogate
             "{\"a\":\"\\ud800\\u0041\"}",
             "{\"a\":\"\xC3\"}",          // truncated UTF-8
             "{\"a\":\"\xED\xA0\x80\"}",  // encoded surrogate
             "{\"\\u0061\":1}",           // escaped key: declined, not misread
             "{'a':1}",
             "{\"a\":\"unterminated}",
         }) {
        EXPECT_FALSE(common::scan_flat_object(text, m)) << text;
    }
}

// Found by common_ndjson_fuzz: grammatical numbers whose value overflows a double are
// rejected by the full parser ("number overflow"), so the scanner must decline them too.
TEST(JsonScan, DeclinesNumbersTheFullParserRejectsAsOverflow) {
    std::vector<FlatMember> m;
    for (const std::string& text : {
             std::string("{\"eval_count\":16893.84814741E1036666666666600000}"),
             std::string("{\"a\":1e400}"),
             std::string("{\"a\":-1e400}"),
             "{\"a\":1" + std::string(400, '0') + "}",
         }) {
        EXPECT_TRUE(nlohmann::json::parse(text, nullptr, false).is_discarded()) << text;
        EXPECT_FALSE(common::scan_flat_object(text, m)) << text;
        EXPECT_EQ(json_scan_test::compare_with_full_parser(text).disagreement, "") << text;
    }
    // Large but finite numbers are still read.
    ASSERT_TRUE(common::scan_flat_object("{\"a\":1e300,\"b\":18446744073709551616}", m));
    EXPECT_EQ(m[1].raw, "18446744073709551616");
}

TEST(JsonScan, UnescapesSurrogatePairsAndEveryShortEscape) {
    std::string out;
    ASSERT_TRUE(common::json_unescape(R"(\ud83d\ude00 \"\\\/\b\f\n\r\t\u0041)", out));
    EXPECT_EQ(out, "\xF0\x9F\x98\x80 \"\\/\b\f\n\r\tA");
    out.clear();
    EXPECT_FALSE(common::json_unescape("\\", out));
    EXPECT_FALSE(common::json_unescape("\\u00", out));
}

// Differential: on random mutations of real lines, whenever the scanner accepts, the full
// parser accepts too and reads the same members with the same values.
TEST(JsonScan, NeverDisagreesWithTheFullParser) {
    const std::vector<std::string> seeds = {
        R"({"model":"phi","created_at":"2024-01-01T00:00:00.000000001Z","response":" Hello","done":false})",
        R"({"model":"phi","response":"caf\u00e9 \ud83d\ude00 \"q\", \n","done":false})",
        R"({"error":"model 'x' not found"})",
        R"({"done":true,"done_reason":"stop","eval_count":12,"total_duration":1.5e9})",
        "{\"response\":\"\xC3\xA9\xF0\x9F\x98\x80\",\"n\":-0,\"z\":null}",
    };
    const std::string alphabet = "{}[]\":,\\/unlte0123456789.-+eE \t\n\xC3\xA9\xF0\x9F\x98\x80";
    common::Rng rng(12345);
    std::size_t accepted = 0, declined = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = seeds[rng.below(seeds.size())];
        const auto edits = 1 + rng.below(3);
        for (std::uint64_t e = 0; e < edits && round % 5 != 0; ++e) {
            const auto at = rng.below(text.size() + 1);
            switch (rng.below(3)) {
                case 0:
                    text.insert(at, 1, alphabet[rng.below(alphabet.size())]);
                    break;
                case 1:
                    if (at < text.size()) text.erase(at, 1);
                    break;
                default:
                    if (at < text.size()) text[at] = alphabet[rng.below(alphabet.size())];
                    break;
            }
        }
        const auto verdict = json_scan_test::compare_with_full_parser(text);
        ASSERT_EQ(verdict.disagreement, "") << text;
        ++(verdict.accepted ? accepted : declined);
    }
    // Both outcomes must be exercised, or the test proves nothing.
    EXPECT_GT(accepted, 4000u);
    EXPECT_GT(declined, 4000u);
}

}  // namespace

// object_in and array_in read nested values in place, with the same scanner: what they
// accept and where they stop must be what object() and value() say of the same text.
TEST(JsonScan, ReadsNestedValuesInPlace) {
    const std::string_view text = R"( {"a": [ {"x": 1}, {"x": 2} ], "b": "s", "c": {"d": null}} )";
    common::JsonScanner s(text);
    std::vector<std::string> seen;
    const bool ok = s.object_in([&](std::string_view key, common::JsonScanner& in) {
        if (key == "a") {
            return in.array_in([&](common::JsonScanner& el) {
                return el.object_in([&](std::string_view k, common::JsonScanner& v) {
                    std::string_view raw;
                    if (!v.value(raw)) return false;
                    seen.push_back(std::string(k) + "=" + std::string(raw));
                    return true;
                });
            });
        }
        std::string_view raw;
        if (!in.value(raw)) return false;
        seen.push_back(std::string(key) + ":" + std::string(raw));
        return true;
    });
    EXPECT_TRUE(ok);
    EXPECT_TRUE(s.at_end());
    EXPECT_EQ(seen, (std::vector<std::string>{"x=1", "x=2", "b:\"s\"", "c:{\"d\": null}"}));
}

TEST(JsonScan, InPlaceReadersDeclineBrokenStructure) {
    const auto reads = [](std::string_view text) {
        common::JsonScanner s(text);
        const bool ok = s.object_in([](std::string_view, common::JsonScanner& in) {
            return in.array_in([](common::JsonScanner& el) {
                std::string_view raw;
                return el.value(raw);
            });
        });
        return ok && s.at_end();
    };
    EXPECT_TRUE(reads(R"({"a":[1,2],"b":[]})"));
    EXPECT_FALSE(reads(R"({"a":[1,2})"));    // the array is never closed
    EXPECT_FALSE(reads(R"({"a":[1,,2]})"));  // an empty element
    EXPECT_FALSE(reads(R"({"a":[1,2],})"));  // a trailing comma
    EXPECT_FALSE(reads(R"({"a" [1]})"));     // no colon
    EXPECT_FALSE(reads(R"({"a":[1]} x)"));   // text after the object
    EXPECT_FALSE(reads(R"({"a":1})"));       // the member declines: not an array
    common::JsonScanner stops(R"({"a":[1]})");
    EXPECT_FALSE(stops.object_in([](std::string_view, common::JsonScanner&) { return false; }));
}
