// Many threads saving at once: nothing lost, last writer wins, one file write per batch.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/csv.hpp"
#include "core/summary_store.hpp"
#include "faulty_file_ops.hpp"
#include "store_test_support.hpp"
#include "temp_dir.hpp"

namespace {

constexpr int threads = 8;
constexpr int saves_per_thread = 50;
constexpr int saves = threads * saves_per_thread;

class SummaryStoreConcurrency : public ::testing::Test {
  protected:
    // Runs `body(t)` on `threads` threads at once.
    template <typename Body>
    static void in_parallel(Body body) {
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
        for (auto& th : pool) th.join();
    }

    std::map<std::string, std::string> summaries_on_disk() const {
        std::map<std::string, std::string> out;
        const auto rows = common::csv::parse(core_test::read_file(file));
        for (std::size_t i = 1; i < rows.size(); ++i) out[rows[i][0]] = rows[i][2];
        return out;
    }

    core_test::TempDir dir;
    std::filesystem::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(threads * 10, 42);
    std::shared_ptr<core_test::FaultyFileOps> ops = std::make_shared<core_test::FaultyFileOps>();
};

// Thread t owns ids 10t+1..10t+10 and saves "t<t>-s<i>" to id i % 10.
std::string id_of(int t, int i) {
    return core::patient_id_for(static_cast<std::size_t>(t * 10 + i % 10 + 1));
}
std::string text_of(int t, int i) {
    return "t" + std::to_string(t) + "-s" + std::to_string(i);
}

}  // namespace

TEST_F(SummaryStoreConcurrency, EightThreadsNothingLostLastWriterWins) {
    std::atomic<int> ok{0};
    {
        core::SummaryStore store(file, patients, {ops});
        const auto renames_before = ops->calls(core::FileOp::rename);
        in_parallel([&](int t) {
            for (int i = 0; i < saves_per_thread; ++i) {
                store.save(id_of(t, i), text_of(t, i), [&ok](const core::SaveResult& r) {
                    EXPECT_TRUE(r.ok()) << r.message;
                    ok.fetch_add(1);
                });
            }
        });
        store.flush();
        EXPECT_EQ(ok.load(), saves);
        const auto writes = ops->calls(core::FileOp::rename) - renames_before;
        EXPECT_GE(writes, 1u);
        EXPECT_LT(writes, static_cast<std::size_t>(saves)) << "no group commit";
        EXPECT_EQ(store.stats().commits, writes);
        for (int t = 0; t < threads; ++t) {
            for (int k = 0; k < 10; ++k) {
                EXPECT_EQ(store.summary(id_of(t, k)), text_of(t, 40 + k));
            }
        }
    }
    const auto disk = summaries_on_disk();
    ASSERT_EQ(disk.size(), patients.size());
    for (int t = 0; t < threads; ++t) {
        for (int k = 0; k < 10; ++k) EXPECT_EQ(disk.at(id_of(t, k)), text_of(t, 40 + k));
    }
}

TEST_F(SummaryStoreConcurrency, SavesQueuedDuringAWriteShareTheNextOne) {
    core::SummaryStore store(file, patients, {ops});
    core_test::Gate gate;
    core_test::park_writer(store, gate, "1");
    const auto renames_before = ops->calls(core::FileOp::rename);
    std::atomic<int> ok{0};
    in_parallel([&](int t) {
        for (int i = 0; i < saves_per_thread; ++i) {
            store.save(id_of(t, i), text_of(t, i), [&ok](const core::SaveResult& r) {
                if (r.ok()) ok.fetch_add(1);
            });
        }
    });
    gate.open();
    store.flush();
    EXPECT_EQ(ok.load(), saves);
    EXPECT_EQ(ops->calls(core::FileOp::rename) - renames_before, 1u);  // 400 saves, one write
    EXPECT_EQ(ops->calls(core::FileOp::fsync), ops->calls(core::FileOp::rename));
}

TEST_F(SummaryStoreConcurrency, ContendedIdsEndWithTheLastReportedSave) {
    core::SummaryStore store(file, patients, {ops});
    std::mutex log_mutex;
    std::vector<std::pair<std::string, std::string>> completed;  // in report order
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        while (!stop.load()) {
            const auto seen = store.summary("1");
            ASSERT_TRUE(seen.has_value());
            ASSERT_TRUE(seen->empty() || seen->front() == 't') << *seen;
        }
    });
    in_parallel([&](int t) {
        for (int i = 0; i < saves_per_thread; ++i) {
            auto id = core::patient_id_for(static_cast<std::size_t>(i % 3 + 1));
            store.save(id, text_of(t, i), [&, id, t, i](const core::SaveResult& r) {
                EXPECT_TRUE(r.ok()) << r.message;
                std::lock_guard lock(log_mutex);
                completed.emplace_back(id, text_of(t, i));
            });
        }
    });
    store.flush();
    stop.store(true);
    reader.join();

    std::lock_guard lock(log_mutex);
    ASSERT_EQ(completed.size(), static_cast<std::size_t>(saves));
    std::map<std::string, std::string> last;
    std::map<std::pair<std::string, int>, int> last_index;  // (id, thread) -> save index
    for (const auto& [id, text] : completed) {
        last[id] = text;
        // Each thread's saves are reported in the order it made them.
        const int t = std::stoi(text.substr(1));
        const int i = std::stoi(text.substr(text.find("-s") + 2));
        auto [it, fresh] = last_index.try_emplace({id, t}, i);
        if (!fresh) {
            EXPECT_LT(it->second, i) << text;
            it->second = i;
        }
    }
    const auto disk = summaries_on_disk();
    for (const auto& [id, text] : last) {
        EXPECT_EQ(store.summary(id), text);
        EXPECT_EQ(disk.at(id), text);
    }
}
