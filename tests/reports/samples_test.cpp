// samples.jsonl: render then parse gives back every call of every scenario; malformed lines are
// refused with their line number; 1,000 calls of 100 tokens stay small.
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "reports/report.hpp"
#include "reports/samples.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;
using reports::CallSamples;

CallSamples call(std::string scenario, std::size_t client, std::size_t tokens,
                 std::string outcome = "ok") {
    CallSamples c;
    c.scenario = std::move(scenario);
    c.client = client;
    c.patient_id = "P00" + std::to_string(client + 1);
    c.call = "client " + std::to_string(client) + " steps[1] generate " + c.patient_id + " (id " +
             std::to_string(client + 3) + ")";
    c.outcome = std::move(outcome);
    c.sent_us = 1200 + static_cast<std::int64_t>(client) * 17;
    std::int64_t t = c.sent_us + 40'000;
    for (std::size_t i = 0; i < tokens; ++i) {
        c.emitted_us.push_back(t);
        c.arrived_us.push_back(t + 150 + static_cast<std::int64_t>(i % 7) * 30);
        t += 9'000 + static_cast<std::int64_t>(i % 5) * 400;
    }
    c.response_us = t + 500;
    return c;
}

// The report with its samples, and the same report as report.json would give it (no samples).
RunReport with_samples() {
    auto r = one_failure();
    r.scenarios.push_back(scenario("other", {check("x", Status::passed)}));
    r.scenarios[0].samples = {call("checklist_basic", 0, 12), call("checklist_basic", 1, 3)};
    auto cancelled = call("other", 0, 2, "cancelled");
    cancelled.emitted_us.push_back(cancelled.response_us + 10);  // the mock went on
    auto lost = call("other", 1, 0, "timeout");
    lost.response_us = -1;
    lost.emitted_us = {5, 3};  // wall clocks may step back: negative deltas
    r.scenarios[1].samples = {cancelled, lost};
    return r;
}

RunReport without_samples(RunReport r) {
    for (auto& s : r.scenarios) s.samples.clear();
    return r;
}

std::string error_of(const std::string& text) {
    auto r = without_samples(with_samples());
    try {
        reports::parse_samples(text, r);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<no error>";
}

// A valid file whose call line (line 2) has `field` replaced by `value` (JSON text).
std::string with_field(const std::string& field, const std::string& value) {
    std::string text = reports::render_samples(with_samples());
    const auto at = text.find("\"" + field + "\":");
    const auto start = at + field.size() + 3;
    const auto end = text.find_first_of(",}", text[start] == '[' ? text.find(']', start) : start);
    return text.replace(start, end - start, value);
}

TEST(Samples, RoundTrip) {
    const auto r = with_samples();
    auto back = without_samples(r);
    reports::parse_samples(reports::render_samples(r), back);
    EXPECT_EQ(back, r);
}

TEST(Samples, OneLinePerCallAfterTheHeader) {
    const std::string text = reports::render_samples(with_samples());
    EXPECT_TRUE(text.starts_with("{\"samples_version\":1}\n")) << text;
    std::size_t lines = 0;
    for (char ch : text) lines += ch == '\n';
    EXPECT_EQ(lines, 1u + 4u);
    // Delta-encoded: the first arrival relative to the scenario's start, then the gaps.
    EXPECT_NE(text.find("\"arrived_delta_us\":[41350,9030,9430,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"emitted_delta_us\":[5,-2]"), std::string::npos) << text;
}

TEST(Samples, BlankLinesAndCrlfAreRead) {
    std::string text = reports::render_samples(with_samples());
    std::string crlf;
    for (char ch : text) crlf += ch == '\n' ? std::string("\r\n\n") : std::string(1, ch);
    auto back = without_samples(with_samples());
    reports::parse_samples(crlf, back);
    EXPECT_EQ(back, with_samples());
}

TEST(Samples, HeaderRequired) {
    EXPECT_EQ(error_of(""), "samples.jsonl:1: expected the header");
    EXPECT_EQ(error_of("{\"scenario\":\"other\"}\n"),
              "samples.jsonl:1: expected the header {\"samples_version\":1}");
    EXPECT_EQ(error_of("{\"samples_version\":2}\n"),
              "samples.jsonl:1: unsupported samples_version 2 (this reads 1)");
}

TEST(Samples, MalformedLinesNameTheLine) {
    EXPECT_TRUE(error_of("{\"samples_version\":1}\n\n{\"scenario\":")
                    .starts_with("samples.jsonl:3: not valid JSON: "));
    EXPECT_EQ(error_of("{\"samples_version\":1}\n[1,2]\n"), "samples.jsonl:2: expected an object");
    // nlohmann reports a number too big for a double as out_of_range, not parse_error (the
    // fuzzer found it).
    EXPECT_TRUE(
        error_of(with_field("sent_us", "1e999")).starts_with("samples.jsonl:2: not valid JSON: "));
    EXPECT_EQ(error_of(with_field("scenario", "\"nope\"")),
              "samples.jsonl:2: scenario: \"nope\" is not in the report");
    EXPECT_EQ(error_of(with_field("client", "-1")),
              "samples.jsonl:2: client: expected a non-negative integer");
    EXPECT_EQ(error_of(with_field("sent_us", "1.5")),
              "samples.jsonl:2: sent_us: expected an integer");
    EXPECT_EQ(error_of(with_field("outcome", "3")), "samples.jsonl:2: outcome: expected a string");
    EXPECT_EQ(error_of(with_field("arrived_delta_us", "{}")),
              "samples.jsonl:2: arrived_delta_us: expected an array");
    EXPECT_EQ(error_of(with_field("arrived_delta_us", "[1,\"2\"]")),
              "samples.jsonl:2: arrived_delta_us[1]: expected an integer");
    EXPECT_EQ(error_of(with_field("emitted_delta_us", "[9223372036854775807,1]")),
              "samples.jsonl:2: emitted_delta_us[1]: overflows");
    EXPECT_EQ(error_of(with_field("response_us", "18446744073709551615")),
              "samples.jsonl:2: response_us: expected an integer");
    EXPECT_EQ(error_of("{\"samples_version\":1}\n{\"scenario\":\"other\"}\n"),
              "samples.jsonl:2: call: missing");
}

TEST(Samples, OverlongLineIsRefusedUnread) {
    std::string text = "{\"samples_version\":1}\n";
    text += std::string(reports::kMaxSamplesLineBytes + 1, '[');
    EXPECT_EQ(error_of(text), "samples.jsonl:2: longer than " +
                                  std::to_string(reports::kMaxSamplesLineBytes) + " bytes");
}

// The figure docs/mcp-harness.md quotes: 1,000 calls × 100 tokens, token gaps of ~10 ms and
// times about a minute into the scenario (so the first delta has 5 digits).
TEST(Samples, SizeOfAThousandCallsOfAHundredTokens) {
    RunReport r = run({scenario("load", {check("x", Status::passed)})});
    for (std::size_t i = 0; i < 1000; ++i) {
        auto c = call("load", i % 50, 100);
        for (auto* times : {&c.arrived_us, &c.emitted_us}) {
            for (auto& t : *times) t += static_cast<std::int64_t>(i) * 60'000;
        }
        r.scenarios[0].samples.push_back(std::move(c));
    }
    const std::string text = reports::render_samples(r);
    std::printf("samples.jsonl for 1000 calls x 100 tokens: %zu bytes\n", text.size());
    EXPECT_LT(text.size(), 1'500'000u);
    auto back = without_samples(r);
    reports::parse_samples(text, back);
    EXPECT_EQ(back, r);
}

}  // namespace
