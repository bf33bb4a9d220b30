// Every file operation of a save fails once, in turn (n = 0, 1, 2 ... until the save goes
// through): each failure is reported, leaves the file byte-identical and no temp file, and
// the store keeps working.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "core/summary_store.hpp"
#include "faulty_file_ops.hpp"
#include "store_test_support.hpp"
#include "temp_dir.hpp"

namespace {

using core::FileOp;
using core_test::read_file;
using core_test::save_and_wait;

class SummaryStoreFaults : public ::testing::TestWithParam<std::optional<FileOp>> {
  protected:
    core_test::TempDir dir;
    std::filesystem::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(4, 42);
    std::shared_ptr<core_test::FaultyFileOps> ops = std::make_shared<core_test::FaultyFileOps>();
};

std::string name_of(const ::testing::TestParamInfo<std::optional<FileOp>>& info) {
    return info.param ? std::string(core::to_string(*info.param)) : "any";
}

}  // namespace

TEST_P(SummaryStoreFaults, EveryFailureIsReportedAndHarmless) {
    const auto kind = GetParam();
    core::SummaryStore store(file, patients, {ops});
    ASSERT_TRUE(save_and_wait(store, "1", "durable before").ok());

    int failures = 0;
    for (std::size_t n = 0; n < 50; ++n) {
        SCOPED_TRACE("failing call " + std::to_string(n));
        const auto before = read_file(file);
        ops->fail(kind, n, ENOSPC);
        const auto text = "attempt " + std::to_string(n) + ", with \"quotes\"\nand lines";
        const auto result = save_and_wait(store, "1", text);
        if (ops->take_fired() == 0) {
            ASSERT_TRUE(result.ok()) << result.message;
            EXPECT_EQ(store.summary("1"), text);
            EXPECT_EQ(core_test::summary_on_disk(file, "1"), text);
            break;
        }
        ++failures;
        EXPECT_EQ(result.status, core::SaveStatus::write_failed);
        EXPECT_THAT(result.message, ::testing::EndsWith(" failed: No space left on device"));
        if (kind) {
            EXPECT_EQ(result.message,
                      std::string(core::to_string(*kind)) + " failed: No space left on device");
        }
        EXPECT_EQ(read_file(file), before) << "file changed by a failed save";
        EXPECT_EQ(dir.temp_files(), "");
        EXPECT_EQ(store.summary("1"), "durable before");
    }
    // A save calls each operation once (unlink only on error paths): "any" fails each of
    // the six in turn, a single kind fails once, unlink never.
    const int expected = !kind ? 6 : kind == FileOp::unlink ? 0 : 1;
    EXPECT_EQ(failures, expected);
    EXPECT_EQ(store.stats().failed_commits, static_cast<std::uint64_t>(failures));
}

INSTANTIATE_TEST_SUITE_P(EachKind, SummaryStoreFaults,
                         ::testing::Values(std::nullopt, FileOp::open, FileOp::write, FileOp::fsync,
                                           FileOp::close, FileOp::rename, FileOp::fsync_dir,
                                           FileOp::unlink),
                         name_of);

TEST(SummaryStoreFaultsBatch, EverySaveInAFailedBatchFails) {
    core_test::TempDir dir;
    const auto file = dir / "patient_summaries.csv";
    auto ops = std::make_shared<core_test::FaultyFileOps>();
    core::SummaryStore store(file, core::generate_patients(4, 42), {ops});
    ASSERT_TRUE(save_and_wait(store, "2", "kept").ok());
    const auto before = read_file(file);

    core_test::Gate gate;
    core_test::park_writer(store, gate, "3");  // itself a good save: 3 = "parking"
    const auto parked = read_file(file);
    std::vector<core::SaveResult> results;
    for (const auto* id : {"1", "2", "P999", "4"}) {
        store.save(id, "lost", [&results](core::SaveResult r) { results.push_back(std::move(r)); });
    }
    ops->fail(FileOp::fsync, 0, EIO);
    gate.open();
    store.flush();

    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].message, "fsync failed: Input/output error");
    EXPECT_EQ(results[1].message, "fsync failed: Input/output error");
    EXPECT_EQ(results[2].status, core::SaveStatus::unknown_patient);
    EXPECT_EQ(results[3].status, core::SaveStatus::write_failed);
    EXPECT_NE(parked, before);
    EXPECT_EQ(read_file(file), parked);
    EXPECT_EQ(store.summary("2"), "kept");
    EXPECT_EQ(store.summary("1"), "");
    EXPECT_EQ(dir.temp_files(), "");

    EXPECT_TRUE(save_and_wait(store, "1", "later").ok());  // the store still works
    EXPECT_EQ(store.summary("1"), "later");
}

TEST(SummaryStoreFaultsBatch, FailedRestoreIsReportedAndRepairedByTheNextSave) {
    core_test::TempDir dir;
    const auto file = dir / "patient_summaries.csv";
    auto ops = std::make_shared<core_test::FaultyFileOps>();
    core::SummaryStore store(file, core::generate_patients(2, 42), {ops});
    // fsync_dir fails after the rename, so the store puts the old file back; the rename of
    // that restore (the second rename from now) fails as well.
    ops->fail(FileOp::fsync_dir, 0, EIO);
    ops->fail(FileOp::rename, 1, EIO);
    const auto result = save_and_wait(store, "1", "not durable");
    EXPECT_EQ(ops->take_fired(), 2u);
    EXPECT_EQ(result.message,
              "fsync_dir failed: Input/output error; restoring the previous file also failed: "
              "rename failed: Input/output error");
    EXPECT_EQ(store.summary("1"), "");  // memory holds only what is known durable
    EXPECT_EQ(dir.temp_files(), "");

    ASSERT_TRUE(save_and_wait(store, "2", "next").ok());
    EXPECT_EQ(core_test::summary_on_disk(file, "1"), "");
    EXPECT_EQ(core_test::summary_on_disk(file, "2"), "next");
}

TEST(SummaryStoreFaultsCreate, FailedCreationThrowsAndLeavesNothing) {
    core_test::TempDir dir;
    const auto file = dir / "patient_summaries.csv";
    auto ops = std::make_shared<core_test::FaultyFileOps>();
    ops->fail(FileOp::write, 0, ENOSPC);
    try {
        core::SummaryStore store(file, core::generate_patients(3, 42), {ops});
        FAIL() << "created despite the failure";
    } catch (const std::system_error& e) {
        EXPECT_EQ(std::string(e.what()),
                  file.string() + ": cannot create: write failed: No space left on device");
        EXPECT_EQ(e.code(), std::errc::no_space_on_device);
    }
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_EQ(dir.temp_files(), "");
}
