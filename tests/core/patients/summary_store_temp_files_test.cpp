// Temp files left by a writer killed mid-write ("<file>.tmp-<pid>") are removed when the
// next store opens the file, and only those: the store opens holding the file's lock, and a
// writer's temp file exists only while it holds that lock. A second store of the same file
// waits while a write is in progress and touches nothing of it.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.hpp"
#include "core/summary_store.hpp"
#include "faulty_file_ops.hpp"
#include "store_test_support.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using core_test::read_file;
using core_test::save_and_wait;
using core_test::write_file;

class SummaryStoreTempFiles : public ::testing::Test {
  protected:
    // A valid summaries file with one saved summary, written by a store that is gone.
    void make_file() {
        core::SummaryStore store(file, patients);
        ASSERT_TRUE(save_and_wait(store, "2", "kept, \"as is\"\n").ok());
    }
    fs::path temp(const std::string& suffix) const {
        auto p = file;
        p += ".tmp-" + suffix;
        return p;
    }
    void half_written(const fs::path& p) const { write_file(p, "patient_id,name,summary\r\nP0"); }

    core_test::TempDir dir;
    fs::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(3, 42);
};

}  // namespace

TEST_F(SummaryStoreTempFiles, RemovesEveryCrashedWritersTempFileAtOpening) {
    make_file();
    const auto before = read_file(file);
    // Our own pid (a crashed predecessor that had it), a pid no process has, and pid 1,
    // which is alive: whatever the pid, no other writer can hold the lock we hold.
    for (const auto& pid :
         {std::to_string(::getpid()), std::string("999999999"), std::string("1")}) {
        half_written(temp(pid));
    }
    core::SummaryStore store(file, patients);
    EXPECT_EQ(dir.temp_files(), "");
    EXPECT_EQ(store.stats().stale_temp_files_removed, 3u);
    EXPECT_EQ(read_file(file), before) << "opening must not rewrite the file";
    EXPECT_EQ(store.summary("2"), "kept, \"as is\"\n");
    EXPECT_TRUE(save_and_wait(store, "1", "after the cleanup").ok());
    EXPECT_EQ(dir.temp_files(), "");
}

TEST_F(SummaryStoreTempFiles, RemovesThemAlsoWhenTheFileWasNeverCreated) {
    // A crash during the very first write leaves a temp file and no summaries file.
    half_written(temp("4242"));
    core::SummaryStore store(file, patients);
    EXPECT_EQ(dir.temp_files(), "");
    EXPECT_EQ(store.stats().stale_temp_files_removed, 1u);
    EXPECT_EQ(core::load_summaries_csv(file).size(), 3u);
}

TEST_F(SummaryStoreTempFiles, LeavesEveryOtherFileAlone) {
    make_file();
    const std::vector<std::string> others = {
        "patient_summaries.csv.tmp-",        // no pid
        "patient_summaries.csv.tmp-12a",     // not a number
        "patient_summaries.csv.tmp-12.bak",  // something after the pid
        "patient_summaries.csv.tmp--12",    "patient_summaries.csv.tmp-12 ",
        "xpatient_summaries.csv.tmp-12",  // another file's temp files
        "patient_summaries.csv.bak.tmp-12", "patients_data.csv.tmp-12",
        "patient_summaries.csv.tmp",        "patient_summaries.csv.old",
    };
    for (const auto& name : others) write_file(dir / name, "not ours");
    fs::create_directory(temp("77"));  // named like one, but a directory: not ours to remove
    fs::create_symlink(dir / "patients_data.csv.tmp-12", temp("78"));
    {
        core::SummaryStore store(file, patients);
        EXPECT_EQ(store.stats().stale_temp_files_removed, 0u);
    }
    for (const auto& name : others) {
        EXPECT_TRUE(fs::exists(dir / name)) << name;
        EXPECT_EQ(read_file(dir / name), "not ours") << name;
    }
    EXPECT_TRUE(fs::is_directory(temp("77")));
    EXPECT_TRUE(fs::is_symlink(temp("78")));
}

TEST_F(SummaryStoreTempFiles, ASecondStoreWaitsWhileAWriteIsInProgressAndTouchesNothing) {
    make_file();
    core::SummaryStore first(file, patients);
    // A write in progress (another process's): it holds the lock while its temp file exists.
    core::LockFile writing(file);
    writing.lock();
    half_written(temp("12345"));
    auto second = std::async(std::launch::async,
                             [&] { return std::make_unique<core::SummaryStore>(file, patients); });
    EXPECT_EQ(second.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
        << "opened while another writer held the lock";
    EXPECT_TRUE(fs::exists(temp("12345"))) << "removed while its writer was alive";
    // That writer finishes (its temp file renamed away) and unlocks: the second store opens.
    fs::remove(temp("12345"));
    writing.unlock();
    const auto store = second.get();
    EXPECT_TRUE(save_and_wait(*store, "3", "the second store saves").ok());
    EXPECT_TRUE(save_and_wait(first, "1", "and so does the first").ok());
    EXPECT_EQ(core_test::summary_on_disk(file, "3"), "the second store saves");
    EXPECT_EQ(core_test::summary_on_disk(file, "1"), "and so does the first");
}

TEST_F(SummaryStoreTempFiles, AWriterKilledWithSigkillReleasesTheFileToTheNext) {
    make_file();
    half_written(temp("31337"));
    // Another process takes the lock, as a server does for each write, and is then killed
    // with SIGKILL: the kernel releases its lock, so the waiting store opens and cleans up.
    const auto lock = core::LockFile::path_for(file);
    common::ChildProcess holder({.argv = {"/bin/sh", "-c",
                                          "exec 9>>'" + lock.string() +
                                              "' && flock -x 9 && echo locked && exec sleep 60"}});
    holder.wait_for_line("locked", std::chrono::seconds(10));
    auto opening = std::async(std::launch::async,
                              [&] { return std::make_unique<core::SummaryStore>(file, patients); });
    EXPECT_EQ(opening.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
    EXPECT_TRUE(fs::exists(temp("31337"))) << "removed while its writer could be alive";

    holder.signal(SIGKILL);
    EXPECT_EQ(holder.wait_exit(std::chrono::seconds(10)), 128 + SIGKILL);
    ASSERT_EQ(opening.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const auto store = opening.get();
    EXPECT_EQ(store->stats().stale_temp_files_removed, 1u);
    EXPECT_EQ(dir.temp_files(), "");
    EXPECT_TRUE(save_and_wait(*store, "1", "after the crash").ok());
}

TEST_F(SummaryStoreTempFiles, AFileThatCannotBeRemovedIsLeftAndTheStoreStillOpens) {
    make_file();
    half_written(temp("555"));
    auto ops = std::make_shared<core_test::FaultyFileOps>();
    ops->fail(core::FileOp::unlink, 0, EACCES);
    core::SummaryStore store(file, patients, {ops});
    EXPECT_EQ(ops->take_fired(), 1u);
    EXPECT_EQ(store.stats().stale_temp_files_removed, 0u);
    EXPECT_TRUE(fs::exists(temp("555")));
    EXPECT_TRUE(save_and_wait(store, "1", "saves still work").ok());
}
