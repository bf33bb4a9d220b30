// The mock's own endpoints: /_mock/stats, /_mock/requests, /_mock/config, /_mock/reset and
// /metrics, checked against what the client itself sent and received.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::uint64_t> ids_of(const json& requests) {
    std::vector<std::uint64_t> ids;
    for (const auto& r : requests) ids.push_back(r["id"].get<std::uint64_t>());
    return ids;
}

class Admin : public ::testing::Test {
  protected:
    Response generate(std::string_view prompt, json extra = json::object(),
                      std::vector<std::string> headers = {}) {
        return http_.post("/api/generate", generate_body(prompt, std::move(extra)),
                          std::move(headers));
    }

    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Admin, StatsCountRequestsGenerationsTokensAndLateness) {
    ASSERT_EQ(generate("one").status, 200);
    ASSERT_EQ(generate("two", {{"stream", false}}).status, 200);
    ASSERT_EQ(http_.post("/api/generate", generate_body("x", {}, "nope")).status, 404);
    const auto s = mock_.stats();  // counts itself as the fourth request
    EXPECT_EQ(s["requests"], 4) << s;
    EXPECT_EQ(s["generations"], 2);
    EXPECT_EQ(s["tokens"], 12);
    EXPECT_EQ(s["bad_requests"], 1);
    EXPECT_EQ(s["active_streams"], 0);
    EXPECT_EQ(s["clients_gone"], 0);
    EXPECT_GE(s["open_connections"], 1);
    EXPECT_EQ(s["faults_total"], 0);
    // Lateness is measured for tokens written one by one (the streamed request only).
    const auto& late = s["lateness_ms"];
    EXPECT_EQ(late["count"], 6) << late;
    for (const char* k : {"p50", "p99", "max", "mean"}) {
        ASSERT_TRUE(late[k].is_number()) << k;
        EXPECT_GE(late[k].get<double>(), 0.0) << k;
        EXPECT_LT(late[k].get<double>(), 500.0) << k;
    }
    EXPECT_LE(late["p50"].get<double>(), late["p99"].get<double>());
    EXPECT_LE(late["p99"].get<double>(), late["max"].get<double>() * 1.01 + 0.001);
}

TEST_F(Admin, RequestsLogWhatWasEmittedAndWhenToTheMicrosecond) {
    // First token after 10 ms, then one every 5 ms.
    const auto r = generate("Name: Gil\nSymptoms: cough", {{"options", {{"seed", 9}}}},
                            {"X-Mock-TTFT-Ms: 100", "X-Mock-TPS: 20"});
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto log = mock_.requests();
    ASSERT_EQ(log.size(), 1u);
    const auto& e = log[0];
    EXPECT_EQ(e["id"], 1);
    EXPECT_EQ(e["method"], "POST");
    EXPECT_EQ(e["path"], "/api/generate");
    EXPECT_EQ(e["endpoint"], "generate");
    EXPECT_EQ(e["model"], "phi");
    EXPECT_EQ(e["prompt"], "Name: Gil\nSymptoms: cough");
    EXPECT_EQ(e["stream"], true);
    EXPECT_EQ(e["fault"], "");
    EXPECT_EQ(e["options"], (json{{"seed", 9}}));
    EXPECT_EQ(e["status"], 200);
    EXPECT_EQ(e["outcome"], "completed");
    EXPECT_EQ(e["done_reason"], "stop");
    EXPECT_TRUE(std::regex_match(e["received_at"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
        << e["received_at"];

    const auto lines = r.lines();
    const auto& tokens = e["tokens"];
    ASSERT_EQ(tokens.size(), 6u);
    ASSERT_EQ(lines.size(), 7u);
    EXPECT_EQ(e["token_count"], 6);
    std::string text;
    std::vector<std::int64_t> lags;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& t = tokens[i];
        EXPECT_EQ(t["i"], i);
        EXPECT_EQ(json::parse(lines[i].text)["response"], t["text"]) << "token " << i;
        text += t["text"].get<std::string>();
        const auto t_us = t["t_us"].get<std::int64_t>();
        const auto scheduled = t["scheduled_us"].get<std::int64_t>();
        EXPECT_GE(t_us, scheduled) << "emitted before it was due, token " << i;
        EXPECT_NEAR(scheduled - e["received_us"].get<std::int64_t>(),
                    10'000 + 5'000 * static_cast<std::int64_t>(i), 1)
            << "token " << i;
        // Same machine, same wall clock: the client got the token a little after t_us.
        const auto lag = lines[i].wall_us - t_us;
        EXPECT_GE(lag, -1'000) << "the client had token " << i << " before the mock sent it";
        EXPECT_LT(lag, 100'000) << "token " << i;
        lags.push_back(lag);
    }
    std::sort(lags.begin(), lags.end());
    EXPECT_LT(lags[lags.size() / 2], 10'000) << "median client lag over 10 ms";
    EXPECT_EQ(e["text"], text);
}

TEST_F(Admin, RequestsSinceAndLimitPageThroughTheLog) {
    for (int i = 1; i <= 5; ++i) {
        ASSERT_EQ(generate("page " + std::to_string(i), {{"stream", false}}).status, 200);
    }
    EXPECT_THAT(ids_of(mock_.requests()), ElementsAre(1, 2, 3, 4, 5));
    EXPECT_THAT(ids_of(mock_.requests("since=2")), ElementsAre(3, 4, 5));
    EXPECT_THAT(ids_of(mock_.requests("limit=2")), ElementsAre(1, 2));
    EXPECT_THAT(ids_of(mock_.requests("since=2&limit=1")), ElementsAre(3));
    EXPECT_THAT(ids_of(mock_.requests("since=5")), ElementsAre());
    EXPECT_EQ(mock_.requests("since=3")[0]["prompt"], "page 4");
    const auto brief = mock_.requests("tokens=0");
    EXPECT_FALSE(brief[0].contains("tokens")) << brief[0];
    EXPECT_EQ(brief[0]["token_count"], 6);
}

TEST_F(Admin, ConfigChangesPacingAtRunTime) {
    const auto set =
        http_.post("/_mock/config", json{{"tokens", 3}, {"ttft_ms", 200}, {"tps", 20}});
    ASSERT_EQ(set.status, 200) << set.describe();
    const auto cfg = set.json();
    EXPECT_EQ(cfg["tokens"], 3);
    EXPECT_EQ(cfg["ttft_ms"], 200.0);
    EXPECT_EQ(cfg["tps"], 20.0);
    EXPECT_EQ(cfg["time_scale"], 0.1);
    EXPECT_EQ(http_.get("/_mock/config").json(), cfg);

    const auto r = generate("after the change");
    ASSERT_EQ(r.status, 200);
    const auto e = mock_.last_request();
    ASSERT_EQ(e["token_count"], 3) << e;
    EXPECT_EQ(r.lines().size(), 4u);
    const auto received = e["received_us"].get<std::int64_t>();
    // 200 ms and 50 ms gaps, at time scale 0.1.
    EXPECT_NEAR(e["tokens"][0]["scheduled_us"].get<std::int64_t>() - received, 20'000, 1);
    EXPECT_NEAR(e["tokens"][2]["scheduled_us"].get<std::int64_t>() - received, 30'000, 1);
}

TEST_F(Admin, ConfigRejectsBadInputNamingTheKeyAndChangesNothing) {
    struct Case {
        json body;
        std::string error;
    };
    const Case cases[] = {
        {{{"tokens", 3}, {"speed", 2}},
         "speed: unknown key; valid: seed, ttft_ms, tps, jitter, tokens, profile, hostile_rate, "
         "models, rules, fault, fault_count, scripts, pull_fail"},
        {{{"tps", "fast"}}, "tps: expected a number, got string"},
        {{{"jitter", 2}}, "jitter: must be between 0 and 1, got 2"},
        {{{"time_scale", 1}}, "time_scale: can only be set at start (command line or config file)"},
        {{{"rules", json::array({{{"match", "x"}, {"colour", "red"}}})}},
         "rules[0].colour: unknown key; valid: match, model, count, fault, profile, ttft_ms, tps, "
         "jitter, tokens"},
        {json::array({1}), "json: cannot unmarshal array into Go value of type object"},
    };
    const auto before = http_.get("/_mock/config").json();
    for (const auto& c : cases) {
        const auto r = http_.post("/_mock/config", c.body);
        EXPECT_EQ(r.status, 400) << c.body << ": " << r.describe();
        EXPECT_EQ(r.json(), (json{{"error", c.error}})) << c.body;
    }
    const auto not_json = http_.post("/_mock/config", std::string("{tokens: 3}"));
    EXPECT_EQ(not_json.status, 400);
    EXPECT_EQ(http_.get("/_mock/config").json(), before) << "a rejected config changed something";
    ASSERT_EQ(generate("unchanged").status, 200);
    EXPECT_EQ(mock_.last_request()["token_count"], 6);
}

TEST_F(Admin, ResetRestoresTheStartingState) {
    const auto initial = http_.get("/_mock/config").json();
    ASSERT_EQ(http_.post("/_mock/config", json{{"tokens", 2}, {"fault", "http_503"}}).status, 200);
    ASSERT_EQ(generate("faulted").status, 503);
    ASSERT_EQ(generate("also faulted", {{"stream", false}}).status, 503);
    ASSERT_EQ(http_.post("/_mock/config", json{{"fault", "none"}}).status, 200);
    ASSERT_EQ(generate("two tokens").status, 200);
    ASSERT_EQ(mock_.last_request()["token_count"], 2);
    ASSERT_EQ(mock_.stats()["faults_total"], 2);

    const auto reset = http_.post("/_mock/reset", std::string());
    ASSERT_EQ(reset.status, 200) << reset.describe();
    EXPECT_EQ(reset.json(), (json{{"status", "reset"}}));
    const auto s = mock_.stats();
    EXPECT_EQ(s["requests"], 1) << "only this stats request since the reset: " << s;
    EXPECT_EQ(s["generations"], 0);
    EXPECT_EQ(s["bad_requests"], 0);
    EXPECT_EQ(s["faults_total"], 0);
    EXPECT_EQ(s["tokens"], 0);
    EXPECT_EQ(s["lateness_ms"]["count"], 0);
    EXPECT_EQ(http_.get("/_mock/config").json(), initial);
    EXPECT_EQ(mock_.requests(), json::array());
    EXPECT_EQ(http_.get("/api/ps").json()["models"], json::array());

    const auto r = generate("after reset");
    EXPECT_EQ(r.status, 200) << "the fault rule is gone";
    EXPECT_EQ(mock_.last_request()["token_count"], 6) << "the token count is back";
}

// Prometheus text: `name{labels} value` samples after # HELP and # TYPE lines.
std::map<std::string, double> parse_prometheus(const std::string& text, std::string& problems) {
    std::map<std::string, double> samples;
    std::set<std::string> typed;
    const std::regex sample(R"(([a-z_]+)(\{[a-z_]+="[^"]*"\})? (-?[0-9.e+-]+|NaN))");
    const std::regex type_line(R"(# TYPE ([a-z_]+) (counter|gauge|summary|histogram))");
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (line.starts_with("# HELP ")) continue;
        if (std::regex_match(line, m, type_line)) {
            typed.insert(m[1]);
        } else if (std::regex_match(line, m, sample)) {
            std::string base = m[1];
            for (const char* suffix : {"_sum", "_count"}) {
                if (base.ends_with(suffix) && !typed.contains(base)) {
                    base.resize(base.size() - std::string_view(suffix).size());
                }
            }
            if (!typed.contains(base)) problems += "no # TYPE for " + line + "\n";
            samples[std::string(m[1]) + std::string(m[2])] = std::stod(m[3]);
        } else {
            problems += "not Prometheus text: '" + line + "'\n";
        }
    }
    return samples;
}

TEST_F(Admin, MetricsIsPrometheusTextWithTheSameCounters) {
    ASSERT_EQ(generate("m1").status, 200);
    ASSERT_EQ(generate("m2", {}, {"X-Mock-Fault: http_429"}).status, 429);
    ASSERT_EQ(generate("m3", {}, {"X-Mock-Fault: close:after=1"}).error, CURLE_PARTIAL_FILE);
    const auto r = http_.get("/metrics");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("text/plain; version=0.0.4"));
    std::string problems;
    const auto m = parse_prometheus(r.body, problems);
    EXPECT_EQ(problems, "");
    const auto s = mock_.stats();  // one request later
    EXPECT_EQ(m.at("mock_ollama_requests_total") + 1, s["requests"].get<double>());
    EXPECT_EQ(m.at("mock_ollama_generations_total"), 3);
    EXPECT_EQ(m.at("mock_ollama_tokens_total"), s["tokens"].get<double>());
    EXPECT_EQ(m.at("mock_ollama_tokens_total"), 7);
    EXPECT_EQ(m.at("mock_ollama_bad_requests_total"), 1) << "the 429";
    EXPECT_EQ(m.at("mock_ollama_active_streams"), 0);
    EXPECT_EQ(m.at("mock_ollama_faults_total{kind=\"http_status\"}"), 1);
    EXPECT_EQ(m.at("mock_ollama_faults_total{kind=\"close\"}"), 1);
    EXPECT_EQ(m.at("mock_ollama_faults_total{kind=\"reset\"}"), 0);
    EXPECT_EQ(m.at("mock_ollama_schedule_lateness_seconds_count"), 7);
    EXPECT_TRUE(m.contains("mock_ollama_schedule_lateness_seconds{quantile=\"0.99\"}"));
}

}  // namespace
}  // namespace mock_test
