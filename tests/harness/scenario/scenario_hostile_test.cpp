// Hostile scenario files: every one is a ScenarioError naming file:line:col, never a hang, a
// crash, another exception type, or a value the run would choke on later.
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/scenario.hpp"
#include "isolated.hpp"

namespace {

namespace fs = std::filesystem;
using harness::parse_scenario;
using harness::ScenarioError;
using harness_test::run_isolated;
using ::testing::HasSubstr;

// The error parse_scenario gives `text` as "s.json", or what went wrong instead.
std::string error_of(const std::string& text) {
    try {
        parse_scenario(text, "s.json");
        return "accepted";
    } catch (const ScenarioError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not a ScenarioError: ") + e.what();
    }
}

// A valid scenario with `steps` as its steps array text.
std::string with_steps(const std::string& steps) {
    return R"({"name":"x","checks":["stream.order"],"steps":)" + steps + "}";
}

std::string nested_arrays(std::size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
}

TEST(ScenarioHostile, NestingPastTheLimitIsAnErrorNotAHang) {
    // The scenario's object is one level, so 256 arrays in it make 257.
    const auto r = run_isolated([] { return error_of(with_steps(nested_arrays(256))); });
    ASSERT_TRUE(r.finished) << "did not finish (signal " << r.signal << ")";
    EXPECT_THAT(r.output, HasSubstr("s.json:1:"));
    EXPECT_THAT(r.output, HasSubstr("nested deeper than 256 levels"));
}

TEST(ScenarioHostile, NestingAtTheLimitIsReadNormally) {
    const auto r = run_isolated([] { return error_of(with_steps(nested_arrays(255))); });
    ASSERT_TRUE(r.finished);
    EXPECT_THAT(r.output, HasSubstr("steps[0]: expected an object"));
}

TEST(ScenarioHostile, AHundredThousandLevelsNeitherHangNorOverflowTheStack) {
    const auto r = run_isolated(
        [] { return error_of(with_steps(std::string(100'000, '[') + std::string(100'000, '{'))); });
    ASSERT_TRUE(r.finished) << "did not finish (signal " << r.signal << ")";
    EXPECT_THAT(r.output, HasSubstr("nested deeper than 256 levels"));
}

TEST(ScenarioHostile, EmptyFileIsInvalidJsonAtOneOne) {
    EXPECT_THAT(error_of(""), HasSubstr("s.json:1:1: invalid JSON"));
    EXPECT_THAT(error_of("  \n\t"), HasSubstr("s.json:2:2: invalid JSON"));
}

TEST(ScenarioHostile, NotUtf8IsInvalidJsonWithItsPlace) {
    // "caf\xe9" is Latin-1: the byte is not UTF-8.
    EXPECT_THAT(error_of("{\"name\":\n  \"caf\xe9\"}"), HasSubstr("s.json:2:"));
    EXPECT_THAT(error_of("{\"name\":\n  \"caf\xe9\"}"), HasSubstr("invalid JSON"));
    EXPECT_THAT(error_of("\xff\xfe{}"), HasSubstr("s.json:1:1: invalid JSON"));
}

TEST(ScenarioHostile, NumberTooLargeForADoubleIsAScenarioError) {
    EXPECT_THAT(error_of("{\"name\":\"x\",\n\"clients\": 1e400}"),
                HasSubstr("s.json:2:12: invalid JSON: number overflow"));
}

TEST(ScenarioHostile, HugeNegativeAndFractionalCountsAreRefused) {
    const auto clients = [](const std::string& n) {
        return error_of(R"({"name":"x","checks":["stream.order"],"clients":)" + n +
                        R"(,"steps":[{"op":"ping"}]})");
    };
    EXPECT_THAT(clients("1000000000000000000"), HasSubstr("clients: must be 1..100000"));
    EXPECT_THAT(clients("18446744073709551615"), HasSubstr("clients: must be 1..100000"));
    EXPECT_THAT(clients("-1"), HasSubstr("clients: expected a non-negative integer"));
    EXPECT_THAT(clients("1e18"), HasSubstr("clients: expected a non-negative integer"));
    EXPECT_THAT(clients("2.5"), HasSubstr("clients: expected a non-negative integer"));
    EXPECT_THAT(clients("0"), HasSubstr("clients: must be 1..100000"));
}

TEST(ScenarioHostile, OversizedBytesAndPatientsAreBounded) {
    EXPECT_THAT(error_of(with_steps(R"([{"op":"oversized","bytes":1000000000000000000}])")),
                HasSubstr("steps[0].bytes: must be at most 1073741824"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.order"],"server":{"patients":)"
                         R"(1000000000000},"steps":[{"op":"ping"}]})"),
                HasSubstr("server.patients: must be at most 1000000"));
}

TEST(ScenarioHostile, ExpectCodeMustFitAnInt) {
    EXPECT_THAT(error_of(with_steps(R"([{"op":"raw","frame":"x","expect_code":10000000000}])")),
                HasSubstr("steps[0].expect_code: expected an integer that fits 32 bits"));
    EXPECT_THAT(error_of(with_steps(R"([{"op":"raw","frame":"x","expect_code":-10000000000}])")),
                HasSubstr("expected an integer that fits 32 bits"));
}

TEST(ScenarioHostile, AFullRangeSeedIsAcceptedAsTheMockAcceptsIt) {
    const auto s =
        parse_scenario(R"({"name":"x","checks":["stream.order"],)"
                       R"("mock":{"seed":18446744073709551615},"steps":[{"op":"ping"}]})",
                       "s.json");
    EXPECT_EQ(*s.mock.seed, 18446744073709551615ULL);
}

TEST(ScenarioHostile, AKeyWithASlashIsPlacedAtItself) {
    EXPECT_THAT(error_of("{\"name\": \"x\",\n  \"a/b\": 1}"),
                HasSubstr("s.json:2:3: unknown key 'a/b'"));
}

// A folder of its own per test, removed at the end.
class ScenarioFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("scenario-hostile-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string load_error(const fs::path& p) {
        try {
            harness::load_scenarios({p});
            return "accepted";
        } catch (const std::exception& e) {
            return e.what();
        }
    }
    fs::path dir_;
};

TEST_F(ScenarioFiles, AFolderGivenAsAFileIsNotARegularFile) {
    fs::create_directories(dir_ / "x.json");
    EXPECT_THROW(
        {
            try {
                harness::load_scenario(dir_ / "x.json");
            } catch (const ScenarioError& e) {
                EXPECT_THAT(e.what(), HasSubstr("x.json:1:1: not a regular file"));
                throw;
            }
        },
        ScenarioError);
}

TEST_F(ScenarioFiles, AFifoIsRefusedWithoutBlocking) {
    const auto fifo = dir_ / "pipe.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto r = run_isolated([&] { return load_error(fifo); }, std::chrono::seconds(5));
    ASSERT_TRUE(r.finished) << "blocked opening a FIFO";
    EXPECT_THAT(r.output, HasSubstr("pipe.json:1:1: not a regular file"));
}

TEST_F(ScenarioFiles, AMissingFileIsNamed) {
    EXPECT_THAT(load_error(dir_ / "nope.json"), HasSubstr("nope.json:1:1: no such file"));
}

TEST_F(ScenarioFiles, AFolderWithoutScenariosIsAnError) {
    std::ofstream(dir_ / "notes.txt") << "not a scenario";
    fs::create_directories(dir_ / "sub.json");  // a folder, not a file
    const auto e = load_error(dir_);
    EXPECT_THAT(e, HasSubstr(dir_.string()));
    EXPECT_THAT(e, HasSubstr("no scenario files (*.json"));
}

}  // namespace
