// Scenario files: what is accepted, and that every mistake is named with file, line, column.
#include "harness/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using harness::parse_scenario;
using harness::ScenarioError;
using ::testing::HasSubstr;
using ::testing::Not;

std::string error_of(const std::string& text) {
    try {
        parse_scenario(text, "s.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

constexpr const char* kGood = R"({
  "name": "demo",
  "checks": ["stream.order", "csv.integrity"],
  "mock": {"tps": 20, "tokens": 30, "profile": "hostile"},
  "server": {"ollama_timeout": 120, "stream_upstream": false},
  "clients": 3,
  "form": "progress",
  "steps": [
    {"op": "initialize"},
    {"op": "generate", "as": "g", "save": true, "fault": "stall:after=3", "patient": "+2",
     "expect": "tool_error", "expect_text": "sent nothing"},
    {"op": "cancel", "call": "g", "after_tokens": 2},
    {"op": "parallel", "steps": [{"op": "ping"}, {"op": "get", "patient": "P007"}]},
    {"op": "raw", "frame": "{bad", "expect_code": -32700}
  ]
})";

TEST(ScenarioLoader, ReadsEveryPart) {
    const auto s = parse_scenario(kGood, "s.json");
    EXPECT_EQ(s.name, "demo");
    EXPECT_EQ(s.checks.size(), 2u);
    EXPECT_EQ(*s.mock.tps, 20.0);
    EXPECT_EQ(*s.mock.profile, "hostile");
    EXPECT_EQ(*s.server.ollama_timeout, 120.0);
    EXPECT_EQ(s.server.config,
              nlohmann::json::parse(R"({"ollama_timeout": 120, "stream_upstream": false})"));
    EXPECT_EQ(s.clients, 3u);
    EXPECT_EQ(s.form, harness::StreamForm::progress);
    ASSERT_EQ(s.steps.size(), 5u);
    EXPECT_EQ(s.steps[1].kind, harness::StepKind::generate);
    EXPECT_EQ(s.steps[1].expect, harness::Expect::tool_error);
    EXPECT_EQ(s.steps[1].patient, "+2");
    EXPECT_EQ(s.steps[2].after_tokens, 2u);
    EXPECT_EQ(s.steps[3].steps.size(), 2u);
    EXPECT_EQ(s.steps[4].expect, harness::Expect::protocol_error) << "raw expects an error";
    EXPECT_EQ(*s.steps[4].expect_code, -32700);
}

TEST(ScenarioLoader, UnknownKeyNamesTheNearestValidOneAndWhereItIs) {
    const auto e = error_of(
        "{\n  \"name\": \"x\",\n  \"checks\": [\"stream.order\"],\n  \"mock\": {\"tokns\": 3},\n"
        "  \"steps\": [{\"op\": \"ping\"}]\n}");
    EXPECT_THAT(e, HasSubstr("s.json:4:12: unknown key 'tokns' in mock; did you mean 'tokens'?"));
}

TEST(ScenarioLoader, UnknownOpAndCheckSuggestTheNearest) {
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.order"],"steps":[{"op":"generat"}]})"),
                HasSubstr("unknown op 'generat' in steps[0]; did you mean 'generate'?"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.ordr"],"steps":[{"op":"ping"}]})"),
                HasSubstr("unknown check 'stream.ordr'; did you mean 'stream.order'?"));
}

TEST(ScenarioLoader, InvalidJsonGivesLineAndColumn) {
    EXPECT_THAT(error_of("{\n  \"name\": \"x\",\n  \"checks\": [\n}"),
                HasSubstr("s.json:4:1: invalid JSON"));
}

TEST(ScenarioLoader, EveryTruncationOfAGoodFileIsAClearErrorNeverAHang) {
    // The locator walks broken text too (it once looped forever on a stray '}').
    const std::string good = kGood;
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::string cut = good.substr(0, n) + (n % 2 ? "}" : "");
        if (cut == good) continue;  // the cut only took the closing brace, which came back
        try {
            parse_scenario(cut, "s.json");
            ADD_FAILURE() << "accepted a truncated file of " << n << " bytes";
        } catch (const ScenarioError& e) {
            EXPECT_THAT(e.what(), HasSubstr("s.json:")) << n;
        }
    }
}

TEST(ScenarioLoader, WrongTypesAndMissingPartsAreNamed) {
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"clients":"two","steps":[{"op":"ping"}]})"),
        HasSubstr("clients: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":[],"steps":[{"op":"ping"}]})"),
                HasSubstr("\"checks\" must be a non-empty array"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.order"],"steps":[{"op":"update"}]})"),
                HasSubstr("steps[0]: update needs \"summary\""));
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"steps":[{"op":"cancel","call":"nope"}]})"),
        HasSubstr("cancel names call 'nope', but no earlier generate step has \"as\": \"nope\""));
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"steps":[{"op":"generate","form":"sse"}]})"),
        HasSubstr("steps[0].form: must be \"legacy\""));
    EXPECT_THAT(error_of(R"({"checks":["stream.order"],"steps":[{"op":"ping"}]})"),
                HasSubstr("missing \"name\""));
}

TEST(ScenarioLoader, TransportAndProtocolVersionAreChecked) {
    const auto sc = parse_scenario(
        R"({"name":"x","checks":["stream.order"],"transport":"stdio",
            "protocol_version":"2026-07-28","steps":[{"op":"ping"}]})",
        "s.json");
    EXPECT_EQ(sc.transport, "stdio");
    EXPECT_EQ(sc.protocol_version, "2026-07-28");
    const auto unset = parse_scenario(
        R"({"name":"x","checks":["stream.order"],"steps":[{"op":"ping"}]})", "s.json");
    EXPECT_EQ(unset.transport, "");  // the run's choice, else ws
    EXPECT_EQ(unset.protocol_version, "");
    EXPECT_EQ(
        error_of(
            R"({"name":"x","checks":["stream.order"],"transport":"sse","steps":[{"op":"ping"}]})"),
        "s.json:1:51: transport: must be one of ws, http, stdio, got 'sse'");
    EXPECT_EQ(
        error_of(R"({"name":"x","checks":["stream.order"],"transport":1,"steps":[{"op":"ping"}]})"),
        "s.json:1:51: transport: expected a string");
    EXPECT_EQ(error_of(R"({"name":"x","checks":["stream.order"],"protocol_version":"2024-01-01",)"
                       R"("steps":[{"op":"ping"}]})"),
              "s.json:1:58: protocol_version: must be one of 2026-07-28, 2025-11-25, "
              "2025-06-18, 2025-03-26, 2024-11-05, got '2024-01-01'");
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"transprt":"ws","steps":[{"op":"ping"}]})"),
        HasSubstr("unknown key 'transprt' in the scenario; did you mean 'transport'?"));
}

TEST(ScenarioLoader, PatientSpecsResolve) {
    const std::vector<std::string> ids = {"P001", "P002", "P003"};
    EXPECT_EQ(harness::resolve_patient("", 1, ids, "P002"), "P002");
    EXPECT_EQ(harness::resolve_patient("+1", 1, ids, "P002"), "P003");
    EXPECT_EQ(harness::resolve_patient("+2", 2, ids, "P003"), "P002") << "wraps around";
    EXPECT_EQ(harness::resolve_patient("P099", 0, ids, "P001"), "P099");
}

// A scenario whose "server" block is `block`, the block starting on line 4.
std::string with_server(const std::string& block) {
    return "{\n  \"name\": \"x\",\n  \"checks\": [\"stream.order\"],\n  \"server\": " + block +
           ",\n  \"steps\": [{\"op\": \"ping\"}]\n}";
}

TEST(ScenarioLoaderServer, TakesTheServersKeysAndTheOldSpellingsAsAliases) {
    const auto s = parse_scenario(with_server(R"({"ollama_timeout_s": 5, "ollama_deadline_s": 9,
        "ping_interval_s": 1.5, "pong_timeout_s": 2, "max_message": 4096, "patients": 7,
        "model": "m", "csv_formulas": "escape"})"),
                                  "s.json");
    EXPECT_EQ(s.server.config, nlohmann::json::parse(R"({"ollama_timeout": 5, "ollama_deadline": 9,
        "ping_interval": 1.5, "pong_timeout": 2, "max_message": 4096, "patients": 7,
        "model": "m", "csv_formulas": "escape"})"));
    EXPECT_EQ(*s.server.ollama_timeout, 5.0);
}

TEST(ScenarioLoaderServer, AKeyTheHarnessSetsIsRefusedAtItsPlace) {
    for (const char* key : {"host", "port", "data_dir", "ollama_url", "time_scale", "log_level"}) {
        const auto e = error_of(with_server(std::string("{\"") + key + "\": 1}"));
        EXPECT_THAT(e, HasSubstr(std::string("s.json:4:14: server.") + key +
                                 ": set by the harness for the server it launches (host, port, "
                                 "data_dir, ollama_url, time_scale, log_level), not by a scenario"))
            << key;
    }
}

TEST(ScenarioLoaderServer, AnUnknownKeyIsRefusedWithTheValidOnes) {
    const auto e = error_of(with_server(R"({"ollama_timeot": 1})"));
    EXPECT_THAT(e, HasSubstr("s.json:4:14: unknown key 'ollama_timeot' in server; did you mean "
                             "'ollama_timeout'? (valid: patients, model, ollama_timeout,"));
    EXPECT_THAT(e, HasSubstr("pong_timeout, threads)"));
    EXPECT_THAT(e, Not(HasSubstr("data_dir")));
}

TEST(ScenarioLoaderServer, ValuesAreCheckedByTheServersTable) {
    EXPECT_THAT(error_of(with_server(R"({"max_message": "big"})")),
                HasSubstr("s.json:4:29: server.max_message: wrong type: expected a non-negative "
                          "integer, got a string"));
    EXPECT_THAT(error_of(with_server(R"({"stream_upstream": 1})")),
                HasSubstr("server.stream_upstream: wrong type: expected true or false, got 1"));
    EXPECT_THAT(error_of(with_server(R"({"ollama_timeout_s": "1"})")),
                HasSubstr("server.ollama_timeout_s: wrong type: expected a number, got a string"));
    EXPECT_THAT(error_of(with_server(R"({"max_connections": 0})")),
                HasSubstr("server.max_connections: valid: 1 or more"));
    EXPECT_THAT(error_of(with_server(R"({"csv_formulas": "drop"})")),
                HasSubstr("server.csv_formulas: valid: keep, escape, refuse"));
    EXPECT_THAT(error_of(with_server(R"({"pong_timeout": 90000})")),
                HasSubstr("server.pong_timeout: must be between 0 and 86400, got 90000"));
    EXPECT_THAT(error_of(with_server(R"({"ping_interval_s": -1})")),
                HasSubstr("server.ping_interval_s: must be between 0 and 86400, got -1"));
    EXPECT_THAT(error_of(with_server("[1]")), HasSubstr("s.json:4:13: server: expected an object"));
}

TEST(ScenarioLoaderServer, ASettingGivenByBothSpellingsIsRefused) {
    EXPECT_THAT(error_of(with_server(R"({"ollama_timeout": 1, "ollama_timeout_s": 2})")),
                HasSubstr("server.ollama_timeout_s: ollama_timeout is given twice"));
}

}  // namespace
