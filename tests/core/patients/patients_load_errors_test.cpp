// A bad patients file is refused with the file, line, column and the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "core/data_file_error.hpp"
#include "core/patients.hpp"
#include "temp_dir.hpp"

namespace {

const std::string header =
    "patient_id,name,age,gender,current_symptoms,current_bp,current_sugar,base_score,"
    "risk_score,medical_history,current_medications,visit_history\r\n";

// Fields start at columns 1, 6, 14 (age), 17, 24, 30, 37 (sugar), 40 (base), 44 (risk), 48,
// 55 and 73 (visit_history).
std::string row(const std::string& id, const std::string& age = "54",
                const std::string& visits = "[]", const std::string& sugar = "95",
                const std::string& base = "2.0") {
    return id + ",Ann Lee," + age + ",Female,cough,120/80," + sugar + "," + base +
           ",2.5,Asthma,Albuterol inhaler," + visits + "\r\n";
}

core::DataFileError load_error(const std::string& text) {
    try {
        core::parse_patients_csv(text, "f.csv");
    } catch (const core::DataFileError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted:\n" << text;
    return core::DataFileError("", 0, 0, "");
}

void expect_error(const std::string& text, std::size_t line, std::size_t column,
                  const std::string& message) {
    const auto e = load_error(text);
    EXPECT_EQ(e.file(), "f.csv");
    EXPECT_EQ(e.line(), line);
    EXPECT_EQ(e.column(), column);
    EXPECT_EQ(std::string(e.what()), message);
}

}  // namespace

TEST(PatientsLoadErrors, TheGoodRowsHereAreValid) {
    EXPECT_EQ(core::parse_patients_csv(header + row("P001") + row("P002"), "f.csv").size(), 2u);
}

TEST(PatientsLoadErrors, EmptyFile) {
    expect_error("", 1, 1, "f.csv: line 1, column 1: empty file, no header");
}

TEST(PatientsLoadErrors, WrongHeaderColumn) {
    std::string bad = header;
    bad.replace(bad.find(",age,"), 5, ",years,");
    expect_error(bad + row("P001"), 1, 17,
                 "f.csv: line 1, column 17: wrong header: expected column 3 to be 'age', found "
                 "'years'");
}

TEST(PatientsLoadErrors, ByteOrderMarkIsNamed) {
    expect_error("\xEF\xBB\xBF" + header + row("P001"), 1, 1,
                 "f.csv: line 1, column 1: wrong header: the file starts with a UTF-8 byte order "
                 "mark; save it without one");
}

TEST(PatientsLoadErrors, HeaderMissingAColumn) {
    const std::string bad = header.substr(0, header.find(",visit_history")) + "\r\n";
    expect_error(bad, 1, 1,
                 "f.csv: line 1, column 1: wrong header: expected '" +
                     header.substr(0, header.size() - 2) + "', found only 11 columns");
}

TEST(PatientsLoadErrors, WrongFieldCount) {
    std::string short_row = row("P002");
    short_row.replace(short_row.find(",[]"), 3, "");
    expect_error(header + row("P001") + short_row, 3, 1,
                 "f.csv: line 3, column 1: wrong field count: expected 12, found 11");
}

TEST(PatientsLoadErrors, NonNumericAge) {
    expect_error(header + row("P001") + row("P002", "abc"), 3, 14,
                 "f.csv: line 3, column 14: non-numeric age 'abc'");
    expect_error(header + row("P001", "54.5"), 2, 14,
                 "f.csv: line 2, column 14: non-numeric age '54.5'");
    expect_error(header + row("P001", ""), 2, 14, "f.csv: line 2, column 14: non-numeric age ''");
}

TEST(PatientsLoadErrors, AgeOutOfRange) {
    expect_error(header + row("P001", "200"), 2, 14,
                 "f.csv: line 2, column 14: age 200 out of range 0-150");
}

TEST(PatientsLoadErrors, NonNumericSugarAndScores) {
    expect_error(header + row("P001", "54", "[]", "9x"), 2, 37,
                 "f.csv: line 2, column 37: non-numeric current_sugar '9x'");
    expect_error(header + row("P001", "54", "[]", "95", "high"), 2, 40,
                 "f.csv: line 2, column 40: non-numeric base_score 'high'");
}

TEST(PatientsLoadErrors, InvalidVisitHistoryJson) {
    const auto e = load_error(header + row("P001", "54", "\"[{\"\"date\"\":}]\""));
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.column(), 73u);
    EXPECT_THAT(e.what(), ::testing::StartsWith("f.csv: line 2, column 73: invalid visit_history "
                                                "JSON at byte 10 of the field: syntax error"));
}

TEST(PatientsLoadErrors, VisitHistoryNumberBeyondDoubleIsADataFileError) {
    // Found by store_summaries_fuzz: valid JSON syntax that nlohmann cannot hold threw
    // out_of_range past the loader, so the server said neither file, line nor column.
    expect_error(header + row("P001", "54", "[2E2222]"), 2, 73,
                 "f.csv: line 2, column 73: invalid visit_history JSON: number overflow parsing "
                 "'2E2222'");
}

TEST(PatientsLoadErrors, VisitHistoryNotAnArray) {
    expect_error(header + row("P001", "54", "\"{}\""), 2, 73,
                 "f.csv: line 2, column 73: visit_history is not a JSON array");
}

TEST(PatientsLoadErrors, DuplicateId) {
    expect_error(header + row("P001") + row("P002") + row("P001"), 4, 1,
                 "f.csv: line 4, column 1: duplicate patient_id 'P001' (first on line 2)");
}

TEST(PatientsLoadErrors, EmptyId) {
    expect_error(header + row(""), 2, 1, "f.csv: line 2, column 1: empty patient_id");
}

TEST(PatientsLoadErrors, LinesCountInsideMultiLineFields) {
    std::string multi = row("P001");
    multi.replace(multi.find("cough"), 5, "\"cough\nfever\"");
    expect_error(header + multi + row("P002", "old"), 4, 14,
                 "f.csv: line 4, column 14: non-numeric age 'old'");
}

TEST(PatientsLoadErrors, CsvSyntaxError) {
    std::string bad = row("P001");
    bad.replace(bad.find("Ann Lee"), 7, "\"Ann Lee");
    expect_error(header + bad, 2, 6,
                 "f.csv: unterminated quoted field starting at line 2, column 6");
}

TEST(PatientsLoadErrors, MissingFile) {
    core_test::TempDir dir;
    const auto file = dir / "nope.csv";
    try {
        core::load_patients_csv(file);
        FAIL() << "loaded a missing file";
    } catch (const core::DataFileError& e) {
        EXPECT_EQ(std::string(e.what()),
                  file.string() + ": cannot open: No such file or directory");
    }
}

TEST(PatientsLoadErrors, LoadNamesThePath) {
    core_test::TempDir dir;
    const auto file = dir / "patients_data.csv";
    core_test::write_file(file, header + row("P001", "x"));
    try {
        core::load_patients_csv(file);
        FAIL() << "accepted a bad age";
    } catch (const core::DataFileError& e) {
        EXPECT_EQ(std::string(e.what()),
                  file.string() + ": line 2, column 14: non-numeric age 'x'");
    }
}
