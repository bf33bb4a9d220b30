// --start-at: an RFC 3339 time (read by common::parse_rfc3339_us, tested in
// tests/common/clock_test.cpp) or +SECONDS announced once in the shared folder and read back by
// every later shard, and the wait.
#include "shard/start_at.hpp"

#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "support/processes.hpp"

namespace harness {
namespace {

using ::testing::HasSubstr;

std::string option_error(const std::string& given, const std::string& dir) {
    try {
        parse_start_at(given, dir);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(StartAt, OptionsCheckedTogether) {
    EXPECT_EQ(parse_start_at("", ""), std::nullopt);
    EXPECT_THAT(option_error("", "/tmp/x"), HasSubstr("--start-dir goes with --start-at"));
    EXPECT_THAT(option_error("+5", ""), HasSubstr("needs --start-dir"));
    EXPECT_THAT(option_error("+", "/d"), HasSubstr("+SECONDS must be a number"));
    EXPECT_THAT(option_error("+5s", "/d"), HasSubstr("+SECONDS must be a number"));
    EXPECT_THAT(option_error("+-5", "/d"), HasSubstr("+SECONDS must be a number"));
    EXPECT_THAT(option_error("+nan", "/d"), HasSubstr("+SECONDS must be a number"));
    EXPECT_THAT(option_error("+1e9", "/d"), HasSubstr("+SECONDS must be a number"));
    EXPECT_THAT(option_error("2026-12-04T23:10:00Z", "/d"), HasSubstr("--start-dir goes with"));
    EXPECT_THAT(option_error("soon", ""), HasSubstr("--start-at: 'soon'"));
    const auto rel = parse_start_at("+2.5", "/shared");
    ASSERT_TRUE(rel && rel->after_s);
    EXPECT_EQ(*rel->after_s, 2.5);
    EXPECT_EQ(rel->announcement, std::filesystem::path("/shared/start-at"));
}

TEST(StartAt, TheFirstShardAnnouncesAndTheOthersReadTheSameInstant) {
    test_support::TempDir dir;
    const auto start = *parse_start_at("+10", (dir.path() / "sub").string());
    const std::int64_t now = 1'796'425'800'000'000;
    const auto first = start_instant(start, now);
    EXPECT_EQ(first, now + 10'000'000);
    // A later shard, arriving 3 s later, takes the announced instant, not its own.
    EXPECT_EQ(start_instant(start, now + 3'000'000), first);
    std::ifstream in(start.announcement);
    std::string text;
    std::getline(in, text);
    EXPECT_EQ(text, "2026-12-04T23:10:10.000000Z");
    // No temporary file left next to it.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path() / "sub"), {}), 1);
}

TEST(StartAt, ManyShardsAtOnceAgreeOnOneInstant) {
    test_support::TempDir dir;
    const auto start = *parse_start_at("+60", dir.path().string());
    std::vector<std::int64_t> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&, i] {
            seen[i] = start_instant(start, 1'000'000'000'000 + static_cast<std::int64_t>(i));
        });
    }
    for (auto& t : threads) t.join();
    for (const auto s : seen) EXPECT_EQ(s, seen[0]);
}

TEST(StartAt, AnUnreadableAnnouncementIsAnError) {
    test_support::TempDir dir;
    std::ofstream(dir.path() / "start-at") << "not a time\n";
    const auto start = *parse_start_at("+1", dir.path().string());
    try {
        start_instant(start, 0);
        FAIL() << "accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("start-at: 'not a time'"));
    }
}

TEST(StartAt, WaitsForTheInstantOrSaysHowLate) {
    const auto t0 = common::wall_micros();
    const auto late = wait_until_wall(t0 + 50'000);
    EXPECT_GE(common::wall_micros(), t0 + 50'000);
    EXPECT_LT(late, 50'000);  // the wake-up's own delay, far under the wait
    EXPECT_GE(wait_until_wall(common::wall_micros() - 2'000'000), 2'000'000);
}

}  // namespace
}  // namespace harness
