// bytes -> the RFC 4180 codec (common/csv). Properties:
//  1. parse never crashes: it returns rows or throws csv::ParseError, nothing else;
//  2. what parses round-trips: parse(encode(parse(x))) == parse(x), and encode is canonical
//     (encoding that again gives the same bytes);
//  3. any field strings survive: rows cut from the input by a length-prefix scheme encode
//     and parse back to themselves.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.hpp"

namespace {

namespace csv = common::csv;

void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "common_csv_fuzz: %s\n", what);
    std::abort();
}

void parse_and_round_trip(std::string_view text) {
    std::vector<csv::Row> rows;
    try {
        rows = csv::parse(text);
    } catch (const csv::ParseError& e) {
        check(e.line() >= 1 && e.column() >= 1, "error position is not 1-based");
        return;
    }
    for (const auto& row : rows) check(!row.empty(), "parse gave a record without fields");
    const auto encoded = csv::encode(rows);
    std::vector<csv::Row> again;
    try {
        again = csv::parse(encoded);
    } catch (const csv::ParseError&) {
        check(false, "encode(parse(x)) does not parse");
    }
    check(again == rows, "encode(parse(x)) parses to different rows");
    check(csv::encode(again) == encoded, "encode is not canonical");
}

void fields_round_trip(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<csv::Row> rows;
    while (in.remaining_bytes() > 0 && rows.size() < 64) {
        csv::Row row(1 + in.ConsumeIntegralInRange<std::size_t>(0, 5));
        for (auto& field : row) field = in.ConsumeRandomLengthString(256);
        rows.push_back(std::move(row));
    }
    const auto encoded = csv::encode(rows);
    std::vector<csv::Row> back;
    try {
        back = csv::parse(encoded);
    } catch (const csv::ParseError&) {
        check(false, "encoded fields do not parse");
    }
    check(back == rows, "encoded fields parse back to different fields");
    // Read record by record too: positions are one per field.
    csv::Reader reader(encoded);
    csv::Row row;
    for (const auto& expected : rows) {
        check(reader.next(row) && row == expected, "Reader disagrees with parse");
        check(reader.field_positions().size() == row.size(), "one position per field");
    }
    check(!reader.next(row), "Reader reads past the last record");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    parse_and_round_trip(std::string_view(reinterpret_cast<const char*>(data), size));
    fields_round_trip(data, size);
    return 0;
}
