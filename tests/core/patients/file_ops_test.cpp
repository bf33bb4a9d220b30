// The names of the file steps, as error messages give them ("fsync failed"); the lock file
// the writers of one file share (exclusion, the generation and what a foreign one holds);
// file identities.
#include "core/file_ops.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace {

TEST(FileOpNames, EachStepHasItsOwnName) {
    constexpr std::string_view expected[] = {"open",   "write",     "fsync", "close",
                                             "rename", "fsync_dir", "unlink"};
    static_assert(std::size(expected) == core::file_op_count);
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < core::file_op_count; ++i) {
        const auto name = core::to_string(static_cast<core::FileOp>(i));
        EXPECT_EQ(name, expected[i]) << i;
        seen.insert(name);
    }
    EXPECT_EQ(seen.size(), core::file_op_count);
}

class LockFileTest : public ::testing::Test {
  protected:
    core_test::TempDir dir;
    std::filesystem::path target = dir / "data.csv";
};

TEST_F(LockFileTest, GenerationStartsAtZeroAndKeepsWhatIsSet) {
    core::LockFile lock(target);
    EXPECT_EQ(lock.generation(), 0u);
    ASSERT_EQ(lock.set_generation(41), std::error_code{});
    ASSERT_EQ(lock.set_generation(42), std::error_code{});
    EXPECT_EQ(core::LockFile(target).generation(), 42u);  // as another writer reads it
    EXPECT_EQ(core_test::read_file(core::LockFile::path_for(target)), "00000000000000000042\n");
}

TEST_F(LockFileTest, AForeignLockFileGivesNoGenerationUntilAWriterSetsOne) {
    const auto path = core::LockFile::path_for(target);
    for (const std::string& foreign :
         std::vector<std::string>{"abc\n", "12", "\n", "-5\n", "123456789012345678901\n", "12 34\n",
                                  std::string(64, '9')}) {
        core_test::write_file(path, foreign);
        core::LockFile lock(target);
        EXPECT_EQ(lock.generation(), std::nullopt) << foreign;
        ASSERT_EQ(lock.set_generation(7), std::error_code{});
        // The tail of a longer foreign text may stay behind the newline; the value reads.
        EXPECT_EQ(lock.generation(), 7u) << foreign;
    }
}

TEST(GenerationText, RoundTripsAndRefusesEverythingElse) {
    for (const std::uint64_t g : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{42},
                                  std::numeric_limits<std::uint64_t>::max()}) {
        EXPECT_EQ(core::generation_text(g).size(), 21u);
        EXPECT_EQ(core::parse_generation(core::generation_text(g)), g);
    }
    EXPECT_EQ(core::parse_generation(""), 0u);
    EXPECT_EQ(core::parse_generation("7\ntrailing bytes of an older, longer text"), 7u);
    EXPECT_EQ(core::parse_generation("18446744073709551616\n"), std::nullopt);  // 2^64
    EXPECT_EQ(core::parse_generation("99999999999999999999\n"), std::nullopt);
    EXPECT_EQ(core::parse_generation(std::string("1\0\n", 3)), std::nullopt);
}

TEST_F(LockFileTest, TwoLockFilesOnOneTargetExcludeEachOtherEvenInOneProcess) {
    core::LockFile first(target);
    core::LockFile second(target);
    first.lock();
    std::atomic<bool> second_holds{false};
    std::thread waiter([&] {
        second.lock();
        second_holds.store(true);
        second.unlock();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(second_holds.load()) << "both held the lock";
    first.unlock();
    waiter.join();
    EXPECT_TRUE(second_holds.load());
}

TEST_F(LockFileTest, IdentityTellsAReplacementAndAnEditFromNoChange) {
    std::error_code ec;
    EXPECT_EQ(core::identify_file(target, ec), std::nullopt);
    EXPECT_FALSE(ec) << "a missing file is not an error";
    core_test::write_file(target, "one");
    const auto first = core::identify_file(target, ec);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(core::identify_file(target, ec), first);
    EXPECT_EQ(first->size, 3u);
    core_test::write_file(target, "one, longer");
    EXPECT_NE(core::identify_file(target, ec), first);
    EXPECT_EQ(core::identify_file(dir / "no-such-dir" / "x", ec), std::nullopt);
    EXPECT_FALSE(ec);
}

}  // namespace
