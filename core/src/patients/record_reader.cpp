#include "patients/record_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/data_file_error.hpp"

namespace core::detail {

namespace csv = common::csv;

std::string read_data_file(const std::filesystem::path& file) {
    const auto fail = [&](std::string_view what) {
        const std::error_code ec(errno, std::generic_category());
        throw DataFileError(file, 0, 0, std::string(what) + ": " + ec.message());
    };
    int fd = -1;
    do {
        fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) fail("cannot open");
    std::string contents;
    char buffer[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            const int saved = errno;
            ::close(fd);
            errno = saved;
            fail("cannot read");
        }
        contents.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return contents;
}

bool RecordReader::read(csv::Row& fields) {
    try {
        return reader_.next(fields);
    } catch (const csv::ParseError& e) {
        throw DataFileError(file_, e.line(), e.column(), e.what());
    }
}

void RecordReader::expect_header(std::span<const std::string_view> columns) {
    columns_ = columns.size();
    csv::Row header;
    if (!read(header)) throw DataFileError(file_, 1, 1, "line 1, column 1: empty file, no header");
    std::string expected;
    for (const auto c : columns) expected += (expected.empty() ? "" : ",") + std::string(c);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i >= header.size()) {
            fail(0, "wrong header: expected '" + expected + "', found only " +
                        std::to_string(header.size()) + " columns");
        }
        if (i == 0 && header[0].starts_with("\xEF\xBB\xBF")) {
            fail(0,
                 "wrong header: the file starts with a UTF-8 byte order mark; save it without "
                 "one");
        }
        if (header[i] != columns[i]) {
            fail(i, "wrong header: expected column " + std::to_string(i + 1) + " to be '" +
                        std::string(columns[i]) + "', found '" + header[i] + "'");
        }
    }
    if (header.size() > columns.size()) {
        fail(columns.size(), "wrong header: unexpected extra column '" + header[columns.size()] +
                                 "' (expected '" + expected + "')");
    }
}

bool RecordReader::next(csv::Row& fields) {
    if (!read(fields)) return false;
    if (fields.size() != columns_) {
        fail(0, "wrong field count: expected " + std::to_string(columns_) + ", found " +
                    std::to_string(fields.size()));
    }
    return true;
}

csv::Position RecordReader::position(std::size_t index) const {
    const auto& positions = reader_.field_positions();
    if (positions.empty()) return {};
    return positions[index < positions.size() ? index : positions.size() - 1];
}

void RecordReader::fail(std::size_t field_index, const std::string& problem) const {
    const auto p = position(field_index);
    throw DataFileError(
        file_, p.line, p.column,
        "line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ": " + problem);
}

void UniqueKeys::add(const RecordReader& reader, std::size_t field_index, const std::string& key,
                     const std::string& quoted) {
    const auto [it, fresh] = first_line_.emplace(key, reader.position(field_index).line);
    if (!fresh) {
        reader.fail(field_index, "duplicate " + std::string(column_) + " " + quoted +
                                     " (first on line " + std::to_string(it->second) + ")");
    }
}

}  // namespace core::detail
