#pragma once
// A data file (patients, summaries) that cannot be used as it is. Such files are refused,
// never repaired or overwritten: the message says where to look and what is wrong.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

namespace core {

class DataFileError : public std::runtime_error {
  public:
    // `detail` is the located problem, e.g. "line 3, column 17: non-numeric age 'abc'";
    // what() is "<file>: <detail>". line and column are 1-based, 0 when not applicable.
    DataFileError(std::filesystem::path file, std::size_t line, std::size_t column,
                  const std::string& detail)
        : std::runtime_error(file.string() + ": " + detail),
          file_(std::move(file)),
          line_(line),
          column_(column) {}

    const std::filesystem::path& file() const { return file_; }
    std::size_t line() const { return line_; }
    std::size_t column() const { return column_; }

  private:
    std::filesystem::path file_;
    std::size_t line_;
    std::size_t column_;
};

}  // namespace core
