// --time-scale shrinks every duration of the schedule: the mock's own reported schedule is
// asserted exactly, the client's clock only loosely (these are not performance tests).
#include <gtest/gtest.h>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;

// At real scale: first token after 1 s, then 10 tokens per second; six tokens.
const std::vector<std::string> kSlowModelArgs = {"--time-scale", "0.1", "--ttft",   "1000",
                                                 "--tps",        "10",  "--tokens", "6"};

std::vector<std::int64_t> due_us(const json& record) {
    std::vector<std::int64_t> out;
    for (const auto& t : record["tokens"]) {
        out.push_back(t["scheduled_us"].get<std::int64_t>() -
                      record["received_us"].get<std::int64_t>());
    }
    return out;
}

TEST(TimeScale, ScalesTheFirstTokenAndTheGapsOfTheSchedule) {
    MockProcess mock(kSlowModelArgs);
    auto http = mock.client();
    EXPECT_EQ(http.get("/_mock/config").json()["time_scale"], 0.1);
    const auto r = http.post("/api/generate", generate_body("scaled"));
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto record = mock.last_request();
    const auto due = due_us(record);
    ASSERT_EQ(due.size(), 6u);
    // 1000 ms -> 100 ms to the first token, 100 ms gaps -> 10 ms: 50 ms from first to last.
    EXPECT_NEAR(due[0], 100'000, 1);
    for (std::size_t i = 1; i < due.size(); ++i) EXPECT_NEAR(due[i] - due[i - 1], 10'000, 1) << i;
    EXPECT_NEAR(due.back() - due.front(), 50'000, 2);

    // The client's view agrees, loosely: the first token came after ~100 ms, not 1 s.
    const auto lines = r.lines();
    ASSERT_EQ(lines.size(), 7u);
    const auto first = micros(r.started, lines[0].at);
    EXPECT_GE(first, 100'000);
    EXPECT_LT(first, 600'000);
    // The last token can't come before its time (150 ms), and unscaled it would be 1.5 s.
    EXPECT_GE(micros(r.started, lines[5].at), 150'000);
    EXPECT_LT(micros(r.started, lines[5].at), 1'000'000);
    EXPECT_LT(micros(lines[0].at, lines[5].at), 400'000);
    // The final chunk's durations are scaled too (nanoseconds).
    const auto last = json::parse(lines.back().text);
    EXPECT_GE(last["total_duration"].get<std::int64_t>(), 150'000'000);
    EXPECT_LT(last["total_duration"].get<std::int64_t>(), 1'000'000'000);
    EXPECT_NEAR(last["load_duration"].get<double>() + last["prompt_eval_duration"].get<double>(),
                100'000'000, 1'000);
}

TEST(TimeScale, PerRequestPacingIsScaledToo) {
    MockProcess mock(kSlowModelArgs);
    auto http = mock.client();
    const auto r = http.post(
        "/api/generate",
        generate_body("scaled",
                      {{"stream", false}, {"options", {{"mock_ttft_ms", 300}, {"mock_tps", 50}}}}));
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto due = due_us(mock.last_request());
    ASSERT_EQ(due.size(), 6u);
    EXPECT_NEAR(due[0], 30'000, 1);
    EXPECT_NEAR(due[5] - due[0], 5 * 2'000, 2);
    // stream:false answers once the last token was due.
    EXPECT_GE(micros(r.started, r.finished), due[5]);
}

TEST(TimeScale, TheSameRequestGetsTheSameScheduleEveryTime) {
    MockProcess mock({"--time-scale", "0.05", "--ttft", "200", "--tps", "100", "--tokens", "8",
                      "--jitter", "0.8", "--seed", "3"});
    auto http = mock.client();
    ASSERT_EQ(http.post("/api/generate", generate_body("jitter", {{"stream", false}})).status, 200);
    const auto a = due_us(mock.last_request());
    ASSERT_EQ(http.post("/api/generate", generate_body("jitter", {{"stream", false}})).status, 200);
    const auto b = due_us(mock.last_request());
    ASSERT_EQ(a.size(), 8u);
    EXPECT_EQ(a, b);
    // Jitter really varies the gaps (10 ms * 0.05 = 0.5 ms each without it).
    bool varied = false;
    for (std::size_t i = 2; i < a.size(); ++i) varied |= std::abs((a[i] - a[i - 1]) - 500) > 5;
    EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace mock_test
