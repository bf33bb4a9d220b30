#include "mock_ollama/scripts.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mock_ollama {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// The message of the std::invalid_argument that parse() throws, or "" when it does not throw.
std::string parse_error(const json& doc) {
    try {
        ScriptBook::parse(doc);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string load_error(const std::filesystem::path& file) {
    try {
        ScriptBook::load(file);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

// Two valid entries in front, so messages must name the third as scripts[2].
json with_third_entry(const json& entry) {
    return json{{"scripts", json::array({json{{"match", "a"}, {"tokens", {"A"}}},
                                         json{{"match", "b"}, {"tokens", {"B"}}}, entry})}};
}

// A file in the test's temporary directory, removed when the test ends.
class TempFile {
  public:
    explicit TempFile(std::string_view contents) {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::path(::testing::TempDir()) /
                (std::string("scripts_test_") + info->name() + ".json");
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// ---------------------------------------------------------------------------------------------

TEST(ScriptBook, ParsesObjectForm) {
    const auto book = ScriptBook::parse(json::parse(R"({"scripts": [
        {"match": "chest pain", "model": "phi", "tokens": ["Hello", " world"], "delays_ms": [120, 20.5]},
        {"match": "fever", "tokens": ["Hot"]}
    ]})"));
    EXPECT_EQ(book.size(), 2u);
    const ScriptedResponse* r = book.match("phi", "patient has chest pain");
    ASSERT_NE(r, nullptr);
    EXPECT_THAT(r->tokens, ElementsAre("Hello", " world"));
    EXPECT_THAT(r->delays_ms, ElementsAre(120.0, 20.5));
    const ScriptedResponse* hot = book.match("any", "fever");
    ASSERT_NE(hot, nullptr);
    EXPECT_THAT(hot->tokens, ElementsAre("Hot"));
    EXPECT_THAT(hot->delays_ms, IsEmpty());
}

TEST(ScriptBook, ParsesTopLevelArray) {
    const auto book = ScriptBook::parse(json::parse(R"([{"match": "x", "tokens": ["y"]}])"));
    EXPECT_EQ(book.size(), 1u);
    ASSERT_NE(book.match("m", "xxx"), nullptr);
    EXPECT_EQ(ScriptBook::parse(json::array()).size(), 0u);
}

TEST(ScriptBook, FirstMatchInFileOrderWins) {
    const auto book = ScriptBook::parse(json::parse(R"([
        {"match": "pain", "tokens": ["first"]},
        {"match": "chest pain", "tokens": ["second"]},
        {"match": "cough", "tokens": ["third"]}
    ])"));
    EXPECT_EQ(book.match("m", "chest pain")->tokens.front(), "first");
    EXPECT_EQ(book.match("m", "a cough")->tokens.front(), "third");
    EXPECT_EQ(book.match("m", "nothing relevant"), nullptr);
}

TEST(ScriptBook, MatchIsARe2Search) {
    const auto book = ScriptBook::parse(json::parse(R"([
        {"match": "^Generate", "tokens": ["anchored"]},
        {"match": "Age: \\d{2}\\b", "tokens": ["age"]}
    ])"));
    EXPECT_EQ(book.match("m", "Generate a summary")->tokens.front(), "anchored");
    EXPECT_EQ(book.match("m", "Please Generate. Age: 54 years")->tokens.front(), "age");
    EXPECT_EQ(book.match("m", "Please Generate. Age: 543"), nullptr);
}

TEST(ScriptBook, ModelFilterTreatsUntaggedAsLatest) {
    const auto book = ScriptBook::parse(json::parse(R"([
        {"match": "", "model": "phi", "tokens": ["phi"]},
        {"match": "", "model": "llama3:8b", "tokens": ["llama"]},
        {"match": "", "model": "registry.local:5000/med", "tokens": ["registry"]},
        {"match": "", "tokens": ["anyone"]}
    ])"));
    EXPECT_EQ(book.match("phi", "p")->tokens.front(), "phi");
    EXPECT_EQ(book.match("phi:latest", "p")->tokens.front(), "phi");
    EXPECT_EQ(book.match("phi3", "p")->tokens.front(), "anyone");
    EXPECT_EQ(book.match("phi:2.7b", "p")->tokens.front(), "anyone");
    EXPECT_EQ(book.match("llama3:8b", "p")->tokens.front(), "llama");
    EXPECT_EQ(book.match("llama3", "p")->tokens.front(), "anyone");
    EXPECT_EQ(book.match("registry.local:5000/med:latest", "p")->tokens.front(), "registry");
}

TEST(ScriptBook, TaggedLatestEntryMatchesUntaggedRequest) {
    const auto book = ScriptBook::parse(json::parse(R"([
        {"match": "", "model": "phi:latest", "tokens": ["phi"]}
    ])"));
    ASSERT_NE(book.match("phi", "p"), nullptr);
    EXPECT_EQ(book.match("mistral", "p"), nullptr);
}

TEST(ScriptBook, CopiesAndMovesKeepCompiledPatterns) {
    const auto original = ScriptBook::parse(json::parse(R"([{"match": "a+b", "tokens": ["x"]}])"));
    const ScriptBook copy = original;  // NOLINT(performance-unnecessary-copy-initialization)
    ScriptBook moved = ScriptBook(copy);
    EXPECT_NE(copy.match("m", "aab"), nullptr);
    EXPECT_NE(moved.match("m", "aab"), nullptr);
    EXPECT_EQ(moved.match("m", "b"), nullptr);
}

TEST(ScriptBook, NestedQuantifiersMatchInLinearTime) {
    // With a backtracking engine (std::regex) this pinned a thread for many seconds.
    const auto book = ScriptBook::parse(json::parse(R"([{"match": "(a+)+$", "tokens": ["x"]}])"));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(book.match("m", std::string(28, 'a') + "!"), nullptr);
    EXPECT_NE(book.match("m", std::string(5000, 'a')), nullptr);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_LT(ms, 500);
}

// ---------------------------------------------------------------------------------------------
// Every error message.

TEST(ScriptBookErrors, DocumentOfTheWrongType) {
    EXPECT_EQ(parse_error("text"),
              "document: expected an object with a \"scripts\" array, or an array of entries; "
              "got string");
}

TEST(ScriptBookErrors, TopLevelKeys) {
    EXPECT_EQ(parse_error(json::object()), "document: missing key \"scripts\"");
    EXPECT_EQ(parse_error(json{{"scripts", json::array()}, {"script", 1}}),
              "document: unknown key \"script\" (expected scripts)");
    EXPECT_EQ(parse_error(json{{"scripts", json::object()}}),
              "scripts: expected an array, got object");
}

TEST(ScriptBookErrors, EntryNotAnObject) {
    EXPECT_EQ(parse_error(with_third_entry(42)), "scripts[2]: expected an object, got number");
    EXPECT_EQ(parse_error(json::array({"x"})), "scripts[0]: expected an object, got string");
}

TEST(ScriptBookErrors, UnknownKey) {
    EXPECT_THAT(parse_error(with_third_entry({{"match", "a"}, {"tokens", {"A"}}, {"delay", 1}})),
                HasSubstr("scripts[2]: unknown key \"delay\" (expected match, model, tokens, "
                          "delays_ms, tool_call)"));
}

TEST(ScriptBookErrors, Match) {
    EXPECT_EQ(parse_error(with_third_entry({{"tokens", {"A"}}})),
              "scripts[2]: missing key \"match\"");
    EXPECT_EQ(parse_error(with_third_entry({{"match", 3}, {"tokens", {"A"}}})),
              "scripts[2].match: expected a string, got number");
}

TEST(ScriptBookErrors, BadRegexIncludesTheRegexError) {
    const std::string message =
        parse_error(with_third_entry({{"match", "(unclosed"}, {"tokens", {"A"}}}));
    EXPECT_EQ(message,
              "scripts[2].match: invalid regular expression \"(unclosed\": missing ): (unclosed "
              "(the syntax is RE2 syntax: no backreferences or lookaround)");
}

TEST(ScriptBookErrors, BackreferencesAreRefusedNamingTheEntry) {
    const std::string message =
        parse_error(with_third_entry({{"match", "(a)\\1"}, {"tokens", {"A"}}}));
    EXPECT_THAT(message, StartsWith("scripts[2].match: invalid regular expression \"(a)\\1\": "));
    EXPECT_THAT(message, HasSubstr("RE2 syntax"));
}

TEST(ScriptBookErrors, AtMost1000Entries) {
    json list = json::array();
    for (int i = 0; i < 1001; ++i) list.push_back({{"match", "a"}, {"tokens", {"A"}}});
    EXPECT_EQ(parse_error(list), "scripts: at most 1000 entries, got 1001");
    list.erase(list.size() - 1);
    EXPECT_EQ(parse_error(list), "");
}

TEST(ScriptBookErrors, Model) {
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}, {"model", 1}, {"tokens", {"A"}}})),
              "scripts[2].model: expected a string, got number");
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}, {"model", ""}, {"tokens", {"A"}}})),
              "scripts[2].model: must not be empty");
}

TEST(ScriptBookErrors, Tokens) {
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}})),
              "scripts[2]: missing key \"tokens\" (or \"tool_call\")");
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}, {"tokens", "Hello"}})),
              "scripts[2].tokens: expected an array of strings, got string");
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}, {"tokens", json::array()}})),
              "scripts[2].tokens: must not be empty");
    EXPECT_EQ(parse_error(with_third_entry({{"match", "a"}, {"tokens", {"ok", 5}}})),
              "scripts[2].tokens: expected an array of strings, element 1 is number");
}

TEST(ScriptBookErrors, Delays) {
    const auto entry = [](const json& delays) {
        return with_third_entry({{"match", "a"}, {"tokens", {"A", "B"}}, {"delays_ms", delays}});
    };
    EXPECT_EQ(parse_error(entry(10)),
              "scripts[2].delays_ms: expected an array of numbers, got number");
    EXPECT_EQ(parse_error(entry({1, 2, 3})),
              "scripts[2].delays_ms: expected 2 entries (one per token), got 3");
    EXPECT_EQ(parse_error(entry(json::array())),
              "scripts[2].delays_ms: expected 2 entries (one per token), got 0");
    EXPECT_EQ(parse_error(entry({0, -5})), "scripts[2].delays_ms[1]: must not be negative, got -5");
    EXPECT_EQ(parse_error(entry({"1", 2})),
              "scripts[2].delays_ms[0]: expected a number, got string");
    EXPECT_EQ(parse_error(entry({0, 0})), "");
}

// ---------------------------------------------------------------------------------------------

TEST(ScriptBookLoad, ReadsAFile) {
    const TempFile file(R"({"scripts": [{"match": "hi", "tokens": ["Hello", "!"]}]})");
    const auto book = ScriptBook::load(file.path());
    EXPECT_EQ(book.size(), 1u);
    ASSERT_NE(book.match("m", "hi there"), nullptr);
}

TEST(ScriptBookLoad, MissingFileNamesThePath) {
    const std::filesystem::path missing =
        std::filesystem::path(::testing::TempDir()) / "scripts_test_does_not_exist.json";
    EXPECT_EQ(load_error(missing), missing.string() + ": cannot open file");
}

TEST(ScriptBookLoad, SyntaxErrorGivesLineAndColumn) {
    const TempFile file(
        "{\n"
        "  \"scripts\": [\n"
        "    {\"match\": \"a\", \"tokens\": [\"x\",]}\n"
        "  ]\n"
        "}\n");
    const std::string message = load_error(file.path());
    EXPECT_THAT(message, StartsWith(file.path().string() + ":3:35: invalid JSON: "));
    EXPECT_THAT(message, HasSubstr("syntax error"));
}

TEST(ScriptBookLoad, EmptyFileIsASyntaxError) {
    const TempFile file("");
    EXPECT_THAT(load_error(file.path()), StartsWith(file.path().string() + ":1:1: invalid JSON: "));
}

TEST(ScriptBookLoad, SyntaxErrorsDoNotQuoteTheFile) {
    const TempFile file("root:x:0:0:root:/root:/bin/bash\n");
    const std::string message = load_error(file.path());
    EXPECT_THAT(message, StartsWith(file.path().string() + ":1:1: invalid JSON: "));
    EXPECT_THAT(message, Not(HasSubstr("root:")));
    EXPECT_THAT(message, Not(HasSubstr("last read")));
}

TEST(ScriptBookLoad, ANumberBeyondDoubleIsAnInvalidArgument) {
    const TempFile file(R"([{"match": "a", "tokens": ["x"], "delays_ms": [1e999]}])");
    EXPECT_THAT(load_error(file.path()), StartsWith(file.path().string() + ": invalid JSON: "));
}

TEST(ScriptBookLoad, AFifoIsRefusedWithoutBlocking) {
    const auto fifo = std::filesystem::path(::testing::TempDir()) / "scripts_test_fifo.json";
    std::filesystem::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EQ(load_error(fifo), fifo.string() + ": not a regular file");
    std::filesystem::remove(fifo);
    EXPECT_EQ(load_error("/dev/zero"), "/dev/zero: not a regular file");
}

TEST(ScriptBookLoad, FilesOverTheLimitAreRefused) {
    const TempFile big(std::string(kMaxScriptsFileBytes + 1, ' '));
    EXPECT_EQ(load_error(big.path()),
              big.path().string() + ": larger than 4194304 bytes, the limit for a scripts file");
    const TempFile fits(std::string(kMaxScriptsFileBytes - 2, ' ') + "[]");
    EXPECT_EQ(load_error(fits.path()), "");
}

TEST(ScriptBookLoad, ValidationErrorStartsWithThePath) {
    const TempFile file(R"([{"match": "a", "tokens": []}])");
    EXPECT_EQ(load_error(file.path()),
              file.path().string() + ": scripts[0].tokens: must not be empty");
}

}  // namespace
}  // namespace mock_ollama

namespace mock_ollama {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(ScriptBookToolCalls, AToolCallEntryIsMatchedApartFromTokenEntries) {
    const auto book = ScriptBook::parse(
        json::array({{{"match", "weather"},
                      {"tool_call", {{"name", "get_weather"}, {"arguments", {{"city", "Oslo"}}}}}},
                     {{"match", "weather"}, {"tokens", {"Sunny"}}}}));
    const auto* call = book.match_tool_call("phi", "the weather?");
    ASSERT_NE(call, nullptr);
    EXPECT_EQ(call->tool_name, "get_weather");
    EXPECT_EQ(call->tool_arguments, R"({"city":"Oslo"})");
    const auto* text = book.match("phi", "the weather?");
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(text->tokens, std::vector<std::string>{"Sunny"});
    EXPECT_EQ(book.match_tool_call("phi", "time?"), nullptr);
}

TEST(ScriptBookToolCalls, MalformedToolCallsNameTheKey) {
    const auto err = [](json e) {
        try {
            ScriptBook::parse(json::array({std::move(e)}));
        } catch (const std::invalid_argument& x) {
            return std::string(x.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(err({{"match", "a"}, {"tool_call", "f"}}),
              "scripts[0].tool_call: expected an object, got string");
    EXPECT_EQ(err({{"match", "a"}, {"tool_call", json::object()}}),
              "scripts[0].tool_call: missing key \"name\"");
    EXPECT_EQ(err({{"match", "a"}, {"tool_call", {{"name", ""}}}}),
              "scripts[0].tool_call.name: must not be empty");
    EXPECT_EQ(err({{"match", "a"}, {"tool_call", {{"name", "f"}, {"arguments", {1}}}}}),
              "scripts[0].tool_call.arguments: expected an object, got array");
    EXPECT_EQ(err({{"match", "a"}, {"tool_call", {{"name", "f"}, {"args", 1}}}}),
              "scripts[0].tool_call: unknown key \"args\" (expected name, arguments)");
    EXPECT_THAT(err({{"match", "a"}, {"tool_call", {{"name", "f"}}}, {"tokens", {"x"}}}),
                HasSubstr("has both \"tool_call\" and \"tokens\""));
}
}  // namespace
}  // namespace mock_ollama
