#pragma once
// RFC 4180 CSV, byte-exact: any field content (commas, quotes, CR, LF, non-ASCII, leading
// spaces) survives encode then parse unchanged. LLM summaries contain all of these, and the
// harness checks the summaries file byte for byte.
#include <cstddef>
#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common::csv {

using Row = std::vector<std::string>;

// 1-based; column counts bytes, lines count LF characters.
struct Position {
    std::size_t line = 1;
    std::size_t column = 1;
    friend bool operator==(const Position&, const Position&) = default;
};

class ParseError : public std::runtime_error {
  public:
    ParseError(Position where, std::string problem, std::string message)
        : std::runtime_error(std::move(message)), where_(where), problem_(std::move(problem)) {}

    Position where() const { return where_; }
    std::size_t line() const { return where_.line; }
    std::size_t column() const { return where_.column; }
    // The problem without its location, e.g. "unexpected character after closing quote".
    const std::string& problem() const { return problem_; }

  private:
    Position where_;
    std::string problem_;
};

// Pull parser: one record at a time, with where each field starts, so that callers that
// validate fields can report exact positions.
//
// Accepts CRLF or LF record ends and a missing final newline. An empty line is a record
// with one empty field (RFC 4180); the empty document has no records. Throws ParseError.
class Reader {
  public:
    explicit Reader(std::string_view text) : text_(text) {}

    // Reads the next record into `fields`, reusing their storage; false at end of input.
    bool next(Row& fields);

    // Start of each field of the last record read (its first byte, or its opening quote).
    const std::vector<Position>& field_positions() const { return positions_; }

  private:
    Position here() const { return {line_, pos_ - line_start_ + 1}; }
    void read_quoted(std::string& out);
    void read_unquoted(std::string& out);
    [[noreturn]] void fail(Position at, std::string problem) const;

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t line_start_ = 0;
    std::vector<Position> positions_;
};

// The whole document.
std::vector<Row> parse(std::string_view text);

// True when the field must be quoted: comma, quote, CR, LF, or leading/trailing space or tab.
bool needs_quoting(std::string_view field);

void append_field(std::string& out, std::string_view field);

// Appends one record ending in "\r\n". A record of one empty field is written as `""` so
// that it does not read back as a blank line. Throws std::invalid_argument for no fields,
// which CSV cannot represent.
void append_row(std::string& out, std::span<const std::string> fields);
void append_row(std::string& out, std::span<const std::string_view> fields);
void append_row(std::string& out, std::initializer_list<std::string_view> fields);

std::string encode(const std::vector<Row>& rows);

}  // namespace common::csv
