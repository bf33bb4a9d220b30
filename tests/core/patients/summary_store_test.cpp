#include "core/summary_store.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/csv.hpp"
#include "core/data_file_error.hpp"
#include "store_test_support.hpp"
#include "temp_dir.hpp"

namespace {

using core_test::read_file;
using core_test::save_and_wait;

const std::string hostile =
    "Summary, with \"quotes\", commas,\r\nCRLF, LF\nand CR\r alone; emoji \xf0\x9f\xa9\xba, "
    "=cmd|' /C calc'!A0,  leading and trailing  ";

class SummaryStoreTest : public ::testing::Test {
  protected:
    core_test::TempDir dir;
    std::filesystem::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(5, 42);
};

}  // namespace

TEST_F(SummaryStoreTest, CreatesTheFileWithOneEmptyRowPerPatient) {
    core::SummaryStore store(file, patients);
    std::string expected = "patient_id,name,summary\r\n";
    for (const auto& p : patients) expected += p.patient_id + "," + p.name + ",\r\n";
    EXPECT_EQ(read_file(file), expected);
    EXPECT_EQ(store.summary("3"), "");
    EXPECT_EQ(store.name("3"), patients[2].name);
    EXPECT_EQ(store.summary("P999"), std::nullopt);
    EXPECT_EQ(dir.temp_files(), "");
}

TEST_F(SummaryStoreTest, SaveIsDurableAndSurvivesReopen) {
    {
        core::SummaryStore store(file, patients);
        const auto result = save_and_wait(store, "2", hostile);
        EXPECT_TRUE(result.ok()) << result.message;
        EXPECT_EQ(result.message, "");
        EXPECT_EQ(store.summary("2"), hostile);
        // Already on disk when reported, before any flush or close.
        const auto rows = common::csv::parse(read_file(file));
        ASSERT_EQ(rows.size(), 6u);
        EXPECT_EQ(rows[2], (common::csv::Row{"2", patients[1].name, hostile}));
    }
    core::SummaryStore reopened(file, {});
    EXPECT_EQ(reopened.summary("2"), hostile);
    EXPECT_EQ(reopened.summary("1"), "");
}

TEST_F(SummaryStoreTest, LaterSaveReplacesEarlier) {
    core::SummaryStore store(file, patients);
    EXPECT_TRUE(save_and_wait(store, "1", "first").ok());
    EXPECT_TRUE(save_and_wait(store, "1", "second").ok());
    EXPECT_EQ(store.summary("1"), "second");
    EXPECT_EQ(store.stats().commits, 2u);
}

TEST_F(SummaryStoreTest, UnknownIdIsReportedAndWritesNothing) {
    core::SummaryStore store(file, patients);
    const auto before = read_file(file);
    const auto result = save_and_wait(store, "P999", "text");
    EXPECT_EQ(result.status, core::SaveStatus::unknown_patient);
    EXPECT_EQ(result.message, "unknown patient id 'P999'");
    EXPECT_EQ(core::to_string(result.status), "unknown_patient");
    EXPECT_EQ(read_file(file), before);
    EXPECT_EQ(store.stats().commits, 0u);
    EXPECT_EQ(store.stats().saves_failed, 1u);
}

TEST_F(SummaryStoreTest, OpensAnExistingFileKeepingItsRowsAndOrder) {
    // Written by someone else: LF line ends, unneeded quotes, an order of its own.
    const std::string existing =
        "patient_id,name,summary\n10,\"Zoë Müller\",\"kept, as is\"\n2,Bob,\n";
    core_test::write_file(file, existing);
    {
        core::SummaryStore store(file, patients);  // patients only matter for a new file
        EXPECT_EQ(read_file(file), existing);      // opening never rewrites
        EXPECT_EQ(store.summary("10"), "kept, as is");
        EXPECT_EQ(store.summary("1"), std::nullopt);
        EXPECT_TRUE(save_and_wait(store, "2", "new").ok());
    }
    EXPECT_EQ(read_file(file),
              "patient_id,name,summary\r\n10,Zoë Müller,\"kept, as is\"\r\n2,Bob,new\r\n");
}

TEST_F(SummaryStoreTest, DestructorFinishesQueuedSaves) {
    int reported = 0;
    {
        core::SummaryStore store(file, patients);
        for (int i = 0; i < 20; ++i) {
            store.save(patients[static_cast<std::size_t>(i) % 5].patient_id,
                       "v" + std::to_string(i), [&reported](const core::SaveResult& r) {
                           EXPECT_TRUE(r.ok()) << r.message;
                           ++reported;  // only the writer thread touches it
                       });
        }
    }
    EXPECT_EQ(reported, 20);
    core::SummaryStore reopened(file, {});
    EXPECT_EQ(reopened.summary("1"), "v15");
    EXPECT_EQ(reopened.summary("5"), "v19");
}

TEST_F(SummaryStoreTest, FlushWaitsForEverythingQueued) {
    core::SummaryStore store(file, patients);
    store.save("1", "a", nullptr);
    store.save("4", "b", nullptr);
    store.flush();
    EXPECT_EQ(store.summary("1"), "a");
    EXPECT_EQ(store.summary("4"), "b");
    EXPECT_EQ(store.stats().saves_ok, 2u);
}

TEST_F(SummaryStoreTest, RowsSnapshotInFileOrder) {
    core::SummaryStore store(file, patients);
    ASSERT_TRUE(save_and_wait(store, "3", "three").ok());
    const auto rows = store.rows();
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].patient_id, "1");
    EXPECT_EQ(rows[2].summary, "three");
}
