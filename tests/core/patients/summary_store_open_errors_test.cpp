// A summaries file that is not valid is refused with its location and never written to.
#include <gtest/gtest.h>

#include <string>

#include "core/data_file_error.hpp"
#include "core/summary_store.hpp"
#include "temp_dir.hpp"

namespace {

class SummaryStoreOpenErrors : public ::testing::Test {
  protected:
    void expect_refused(const std::string& contents, const std::string& detail) {
        core_test::write_file(file, contents);
        try {
            core::SummaryStore store(file, patients);
            ADD_FAILURE() << "accepted:\n" << contents;
        } catch (const core::DataFileError& e) {
            EXPECT_EQ(std::string(e.what()), file.string() + ": " + detail);
        }
        EXPECT_EQ(core_test::read_file(file), contents) << "a refused file was modified";
        EXPECT_EQ(dir.temp_files(), "");
    }

    core_test::TempDir dir;
    std::filesystem::path file = dir / "patient_summaries.csv";
    std::vector<core::Patient> patients = core::generate_patients(3, 42);
};

}  // namespace

TEST_F(SummaryStoreOpenErrors, EmptyFile) {
    expect_refused("", "line 1, column 1: empty file, no header");
}

TEST_F(SummaryStoreOpenErrors, WrongHeader) {
    expect_refused("patient_id,name,text\r\nP001,A,\r\n",
                   "line 1, column 17: wrong header: expected column 3 to be 'summary', found "
                   "'text'");
}

TEST_F(SummaryStoreOpenErrors, WrongFieldCount) {
    expect_refused("patient_id,name,summary\r\nP001,A,\r\nP002,B\r\n",
                   "line 3, column 1: wrong field count: expected 3, found 2");
}

TEST_F(SummaryStoreOpenErrors, TruncatedInsideAQuotedSummary) {
    expect_refused("patient_id,name,summary\r\nP001,A,\"half a summ",
                   "unterminated quoted field starting at line 2, column 8");
}

TEST_F(SummaryStoreOpenErrors, GarbageAfterAQuotedSummary) {
    expect_refused("patient_id,name,summary\r\nP001,A,\"fine\r\nstill\"oops\r\n",
                   "line 3, column 7: unexpected character after closing quote");
}

TEST_F(SummaryStoreOpenErrors, DuplicateId) {
    expect_refused("patient_id,name,summary\r\nP001,A,\r\nP002,B,\r\nP001,C,x\r\n",
                   "line 4, column 1: duplicate patient_id 'P001' (first on line 2)");
}

TEST_F(SummaryStoreOpenErrors, EmptyId) {
    expect_refused("patient_id,name,summary\r\n,A,\r\n", "line 2, column 1: empty patient_id");
}

TEST_F(SummaryStoreOpenErrors, UnreadableIsNotMistakenForMissing) {
    // A directory where the file should be: exists, cannot be read, must not be replaced.
    std::filesystem::create_directory(file);
    EXPECT_THROW(core::SummaryStore(file, patients), core::DataFileError);
    EXPECT_TRUE(std::filesystem::is_directory(file));
}
