// UniqueKeys: a key that repeats is refused where it repeats, naming its first line.
#include "patients/record_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/data_file_error.hpp"

namespace core::detail {
namespace {

constexpr std::string_view kColumns[] = {"patient_id", "name"};

// Reads `text` (after the header) and adds each record's first field as a key; the message
// of the DataFileError, or "" when every key was new.
std::string add_all(const std::string& text) {
    const std::string file = "patient_id,name\r\n" + text;  // the reader keeps a view of it
    RecordReader reader("f.csv", file);
    reader.expect_header(kColumns);
    UniqueKeys ids(kColumns[0]);
    common::csv::Row f;
    try {
        while (reader.next(f)) ids.add(reader, 0, f[0], "'" + f[0] + "'");
    } catch (const DataFileError& e) {
        return e.what();
    }
    return "";
}

TEST(UniqueKeys, DistinctKeysPass) {
    EXPECT_EQ(add_all("P1,a\r\nP2,b\r\np1,c\r\nP1 ,d\r\n"), "");
    EXPECT_EQ(add_all(""), "");
}

TEST(UniqueKeys, ARepeatIsRefusedWhereItRepeatsNamingTheFirstLine) {
    const auto what = add_all("P1,a\r\nP2,b\r\nP1,c\r\n");
    EXPECT_NE(what.find("line 4, column 1: duplicate patient_id 'P1' (first on line 2)"),
              std::string::npos)
        << what;
}

TEST(UniqueKeys, TheEmptyKeyAndKeysOverManyLinesAreKeysToo) {
    EXPECT_NE(add_all(",a\r\n,b\r\n")
                  .find("line 3, column 1: duplicate patient_id '' (first "
                        "on line 2)"),
              std::string::npos);
    // A quoted key with a line break: the first line is where the record starts.
    EXPECT_NE(add_all("\"P\r\n1\",a\r\n\"P\r\n1\",b\r\n")
                  .find("line 4, column 1: duplicate patient_id 'P\r\n1' (first on line 2)"),
              std::string::npos);
}

}  // namespace
}  // namespace core::detail
