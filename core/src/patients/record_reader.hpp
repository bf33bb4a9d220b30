#pragma once
// Private: CSV records of a named data file, with every error (CSV syntax, header, field
// count, bad field) turned into a DataFileError that names the file, line and column.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/csv.hpp"

namespace core::detail {

// Whole file contents; DataFileError if it cannot be read.
std::string read_data_file(const std::filesystem::path& file);

class RecordReader {
  public:
    RecordReader(std::filesystem::path file, std::string_view text)
        : file_(std::move(file)), reader_(text) {}

    // Reads the header and checks it is exactly `columns`.
    void expect_header(std::span<const std::string_view> columns);

    // Next data record, checked to have one field per header column; false at the end.
    bool next(common::csv::Row& fields);

    // Where field `index` of the current record starts.
    common::csv::Position position(std::size_t index) const;

    [[noreturn]] void fail(std::size_t field_index, const std::string& problem) const;

  private:
    bool read(common::csv::Row& fields);

    std::filesystem::path file_;
    common::csv::Reader reader_;
    std::size_t columns_ = 0;
};

// The line each key of a file was first seen on, to refuse a key that repeats (both data
// files key their records by patient_id).
class UniqueKeys {
  public:
    explicit UniqueKeys(std::string_view column) : column_(column) {}

    // Fails the reader at `field_index` of its current record when `key` was seen before:
    // "duplicate patient_id 'P001' (first on line 2)", with `quoted` as the key's text there.
    void add(const RecordReader& reader, std::size_t field_index, const std::string& key,
             const std::string& quoted);

  private:
    std::string_view column_;
    std::map<std::string, std::size_t, std::less<>> first_line_;
};

}  // namespace core::detail
