// Several stores on one file (as several mcp-server processes on one data folder): each
// commit re-reads a file another writer changed and keeps that writer's rows; a file that
// no longer parses is set aside and written again, never losing an acknowledged save.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/summary_store.hpp"
#include "faulty_file_ops.hpp"
#include "store_test_support.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using core_test::read_file;
using core_test::save_and_wait;
using core_test::summary_on_disk;
using core_test::write_file;

class SummaryStoreShared : public ::testing::Test {
  protected:
    // No idle refresh: what these stores know of each other comes from commits alone.
    core::SummaryStoreOptions commit_only(std::shared_ptr<core::FileOps> ops = nullptr) const {
        core::SummaryStoreOptions o;
        o.file_ops = std::move(ops);
        o.refresh_interval = 0ms;
        return o;
    }
    std::vector<fs::path> rejected_files() const {
        std::vector<fs::path> out;
        for (const auto& e : fs::directory_iterator(dir.path())) {
            if (e.path().filename().string().starts_with("patient_summaries.csv.rejected-")) {
                out.push_back(e.path());
            }
        }
        return out;
    }

    core_test::TempDir dir;
    fs::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(6, 42);
};

}  // namespace

TEST_F(SummaryStoreShared, TwoStoresKeepEachOthersSaves) {
    core::SummaryStore a(file, patients, commit_only());
    core::SummaryStore b(file, patients, commit_only());
    ASSERT_TRUE(save_and_wait(a, "1", "from a").ok());
    // b's table predates a's save: without the re-read its write would drop it.
    ASSERT_TRUE(save_and_wait(b, "2", "from b").ok());
    EXPECT_EQ(summary_on_disk(file, "1"), "from a");
    EXPECT_EQ(summary_on_disk(file, "2"), "from b");
    EXPECT_EQ(b.summary("1"), "from a");
    EXPECT_EQ(b.stats().reloads, 1u);

    ASSERT_TRUE(save_and_wait(a, "1", "a again").ok());
    ASSERT_TRUE(save_and_wait(b, "1", "b last").ok());  // same id: the last commit wins
    EXPECT_EQ(summary_on_disk(file, "1"), "b last");
    EXPECT_EQ(summary_on_disk(file, "2"), "from b");
    EXPECT_EQ(a.stats().reloads, 1u);
}

TEST_F(SummaryStoreShared, ThreadsOnTwoStoresLoseNothing) {
    constexpr int per_thread = 40;
    std::atomic<int> ok{0};
    {
        core::SummaryStore a(file, patients, commit_only());
        core::SummaryStore b(file, patients, commit_only());
        std::vector<std::thread> pool;
        // Thread t owns patient t+1 and saves through a or b in turn, ending on a for odd t and
        // on b for even t: whichever store commits last must not bring back its stale rows.
        for (int t = 0; t < 6; ++t) {
            pool.emplace_back([&, t] {
                const auto id = core::patient_id_for(static_cast<std::size_t>(t + 1));
                for (int i = 0; i < per_thread; ++i) {
                    auto& store = ((t + i) % 2 == 0) ? a : b;
                    if (save_and_wait(store, id, "t" + std::to_string(t) + "-" + std::to_string(i))
                            .ok()) {
                        ok.fetch_add(1);
                    }
                }
            });
        }
        for (auto& th : pool) th.join();
    }
    EXPECT_EQ(ok.load(), 6 * per_thread);
    for (int t = 0; t < 6; ++t) {
        EXPECT_EQ(summary_on_disk(file, core::patient_id_for(static_cast<std::size_t>(t + 1))),
                  "t" + std::to_string(t) + "-" + std::to_string(per_thread - 1));
    }
}

TEST_F(SummaryStoreShared, AnIdleStoreSeesAnotherStoresSave) {
    core::SummaryStoreOptions watching;
    watching.refresh_interval = 10ms;
    core::SummaryStore reader(file, patients, watching);
    core::SummaryStore writer(file, patients, commit_only());
    ASSERT_TRUE(save_and_wait(writer, "4", "saved elsewhere").ok());
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (reader.summary("4") != "saved elsewhere" &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(reader.summary("4"), "saved elsewhere");
    EXPECT_EQ(reader.stats().commits, 0u) << "a refresh alone never writes";
}

TEST_F(SummaryStoreShared, FetchReturnsAnotherStoresAcknowledgedSaveAtOnce) {
    core::SummaryStore reader(file, patients, commit_only());  // no idle refresh at all
    core::SummaryStore writer(file, patients, commit_only());
    const auto fetch = [&](const std::string& id) {
        std::promise<std::optional<std::string>> got;
        reader.fetch(id, [&got](std::optional<std::string> s) { got.set_value(std::move(s)); });
        return got.get_future().get();
    };
    ASSERT_TRUE(save_and_wait(writer, "4", "saved elsewhere").ok());
    EXPECT_EQ(fetch("4"), "saved elsewhere");
    EXPECT_EQ(reader.summary("4"), "saved elsewhere");  // the table was refreshed too
    EXPECT_EQ(fetch("P999"), std::nullopt);
    // Its own save queued just before is seen too.
    reader.save("5", "mine", nullptr);
    EXPECT_EQ(fetch("5"), "mine");
}

TEST_F(SummaryStoreShared, AnEditInPlaceByAnotherProgramIsKept) {
    core::SummaryStore store(file, patients, commit_only());
    ASSERT_TRUE(save_and_wait(store, "1", "mine").ok());
    // Same inode, no generation bump: only size and mtime tell.
    auto text = read_file(file);
    text.replace(text.find("\n3,") + 3 + patients[2].name.size() + 1, 0, "by hand");
    write_file(file, text);
    ASSERT_TRUE(save_and_wait(store, "2", "mine too").ok());
    EXPECT_EQ(summary_on_disk(file, "1"), "mine");
    EXPECT_EQ(summary_on_disk(file, "2"), "mine too");
    EXPECT_EQ(summary_on_disk(file, "3"), "by hand");
}

TEST_F(SummaryStoreShared, AChangeWithTheSameInodeSizeAndMtimeIsCaughtByTheGeneration) {
    core::SummaryStore a(file, patients, commit_only());
    core::SummaryStore b(file, patients, commit_only());
    ASSERT_TRUE(save_and_wait(a, "5", "xx").ok());
    ASSERT_TRUE(save_and_wait(b, "6", "b knows the file now").ok());
    // Another writer changes 5 to a text of the same length in place and puts the mtime
    // back (as a reused inode within one mtime tick would look), bumping the generation as
    // every writer does: the stat identity b remembers still matches.
    {
        core::LockFile other(file);
        other.lock();
        struct stat before {};
        ASSERT_EQ(::stat(file.c_str(), &before), 0);
        auto text = read_file(file);
        text.replace(text.find(",xx\r\n"), 5, ",yy\r\n");
        write_file(file, text);
        const timespec times[2] = {before.st_atim, before.st_mtim};
        ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
        ASSERT_EQ(other.set_generation(*other.generation() + 1), std::error_code{});
    }
    ASSERT_TRUE(save_and_wait(b, "4", "zz").ok());
    EXPECT_EQ(summary_on_disk(file, "5"), "yy");
    EXPECT_EQ(summary_on_disk(file, "4"), "zz");
}

TEST_F(SummaryStoreShared, AnInvalidFileUnderneathIsSetAsideAndAcknowledgedSavesKept) {
    core::SummaryStore store(file, patients, commit_only());
    ASSERT_TRUE(save_and_wait(store, "1", "acknowledged").ok());
    write_file(file, "this is not,a summaries file\n\"unterminated");
    const auto r = save_and_wait(store, "2", "next");
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(summary_on_disk(file, "1"), "acknowledged");
    EXPECT_EQ(summary_on_disk(file, "2"), "next");
    const auto aside = rejected_files();
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_EQ(read_file(aside[0]), "this is not,a summaries file\n\"unterminated");
    EXPECT_EQ(store.stats().rejected_files, 1u);
}

TEST_F(SummaryStoreShared, AnInvalidFileThatCannotBeSetAsideIsNotOverwritten) {
    auto ops = std::make_shared<core_test::FaultyFileOps>();
    core::SummaryStore store(file, patients, commit_only(ops));
    ASSERT_TRUE(save_and_wait(store, "1", "acknowledged").ok());
    write_file(file, "garbage");
    ops->fail(core::FileOp::rename, 0, EACCES);
    const auto r = save_and_wait(store, "2", "refused");
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.message.find("changed underneath"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("not overwritten"), std::string::npos) << r.message;
    EXPECT_EQ(read_file(file), "garbage");
    EXPECT_EQ(store.summary("1"), "acknowledged");  // still served from memory

    const auto retried = save_and_wait(store, "2", "now it can");
    ASSERT_TRUE(retried.ok()) << retried.message;
    EXPECT_EQ(summary_on_disk(file, "1"), "acknowledged");
    EXPECT_EQ(summary_on_disk(file, "2"), "now it can");
}

TEST_F(SummaryStoreShared, ARemovedFileIsWrittenAgainWithEveryAcknowledgedSave) {
    core::SummaryStoreOptions watching;
    watching.refresh_interval = 10ms;
    core::SummaryStore store(file, patients, watching);
    ASSERT_TRUE(save_and_wait(store, "3", "acknowledged").ok());
    fs::remove(file);
    // The idle refresh notices and writes it again, without waiting for a save.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!fs::exists(file) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(fs::exists(file));
    store.flush();
    EXPECT_EQ(summary_on_disk(file, "3"), "acknowledged");
    EXPECT_EQ(core::load_summaries_csv(file).size(), patients.size());
}

TEST_F(SummaryStoreShared, RowsOfIdsThisStoreNeverHadAreKept) {
    core::SummaryStore store(file, patients, commit_only());
    // Another writer's file has a patient this store has never seen: it survives, and is
    // served from then on.
    write_file(file, read_file(file) + "P900,Somebody Else,only the other writer knows\r\n");
    ASSERT_TRUE(save_and_wait(store, "1", "mine").ok());
    EXPECT_EQ(summary_on_disk(file, "P900"), "only the other writer knows");
    EXPECT_EQ(store.summary("P900"), "only the other writer knows");
    EXPECT_EQ(store.name("P900"), "Somebody Else");
    EXPECT_EQ(summary_on_disk(file, "1"), "mine");
    EXPECT_TRUE(save_and_wait(store, "P900", "and now mine").ok());
    EXPECT_EQ(summary_on_disk(file, "P900"), "and now mine");
}

TEST_F(SummaryStoreShared, AnotherProcessHoldingTheLockDelaysTheCommitNotTheCaller) {
    core::SummaryStore store(file, patients, commit_only());
    core::LockFile other(file);
    other.lock();
    std::atomic<bool> done{false};
    const auto t0 = std::chrono::steady_clock::now();
    store.save("1", "waits", [&](const core::SaveResult& r) {
        EXPECT_TRUE(r.ok()) << r.message;
        done.store(true);
    });
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 50ms) << "save() blocked its caller";
    EXPECT_EQ(store.summary("1"), "");  // reads are served meanwhile
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(done.load()) << "committed without the lock";
    other.unlock();
    store.flush();
    EXPECT_TRUE(done.load());
    EXPECT_EQ(summary_on_disk(file, "1"), "waits");
}
