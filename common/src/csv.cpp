#include "common/csv.hpp"

#include <cstring>

namespace common::csv {

namespace {

std::string at(Position p, std::string_view problem) {
    return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column) + ": " +
           std::string(problem);
}

}  // namespace

void Reader::fail(Position where, std::string problem) const {
    std::string message = at(where, problem);
    throw ParseError(where, std::move(problem), std::move(message));
}

bool Reader::next(Row& fields) {
    positions_.clear();
    if (pos_ >= text_.size()) {
        fields.clear();
        return false;
    }
    std::size_t n = 0;
    for (;;) {
        positions_.push_back(here());
        if (n == fields.size()) {
            fields.emplace_back();
        } else {
            fields[n].clear();  // keeps the capacity for the next record
        }
        std::string& field = fields[n++];
        if (pos_ < text_.size() && text_[pos_] == '"') {
            read_quoted(field);
        } else {
            read_unquoted(field);
        }
        // Both readers stop at end of input, a comma, LF, or a CR known to precede LF.
        if (pos_ >= text_.size()) break;
        const char c = text_[pos_];
        if (c == ',') {
            ++pos_;
            continue;
        }
        pos_ += c == '\r' ? 2 : 1;
        ++line_;
        line_start_ = pos_;
        break;
    }
    fields.resize(n);
    return true;
}

void Reader::read_unquoted(std::string& out) {
    const char* data = text_.data();
    const std::size_t size = text_.size();
    std::size_t i = pos_;
    while (i < size) {
        const char c = data[i];
        if (c == ',' || c == '\n') break;
        if (c == '"') {
            fail({line_, i - line_start_ + 1},
                 "quote in unquoted field (quote the whole field and double inner quotes)");
        }
        if (c == '\r') {
            if (i + 1 < size && data[i + 1] == '\n') break;
            fail({line_, i - line_start_ + 1}, "carriage return not followed by line feed");
        }
        ++i;
    }
    out.assign(data + pos_, i - pos_);
    pos_ = i;
}

void Reader::read_quoted(std::string& out) {
    const Position open = here();
    const char* data = text_.data();
    const std::size_t size = text_.size();
    ++pos_;
    for (;;) {
        const std::size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos) {
            throw ParseError(open, "unterminated quoted field",
                             "unterminated quoted field starting at line " +
                                 std::to_string(open.line) + ", column " +
                                 std::to_string(open.column));
        }
        // Line breaks inside the field still count as lines for later positions.
        for (const char* p = data + pos_;;) {
            const void* lf = std::memchr(p, '\n', static_cast<std::size_t>(data + quote - p));
            if (lf == nullptr) break;
            p = static_cast<const char*>(lf) + 1;
            ++line_;
            line_start_ = static_cast<std::size_t>(p - data);
        }
        out.append(data + pos_, quote - pos_);
        pos_ = quote + 1;
        if (pos_ < size && data[pos_] == '"') {  // "" is one literal quote
            out += '"';
            ++pos_;
            continue;
        }
        break;
    }
    if (pos_ == size) return;
    const char c = data[pos_];
    if (c == ',' || c == '\n') return;
    if (c == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n') return;
    fail(here(), c == '\r' ? "carriage return not followed by line feed"
                           : "unexpected character after closing quote");
}

std::vector<Row> parse(std::string_view text) {
    std::vector<Row> rows;
    Reader reader(text);
    Row row;
    while (reader.next(row)) rows.push_back(std::move(row));
    return rows;
}

bool needs_quoting(std::string_view field) {
    if (field.empty()) return false;
    const auto space = [](char c) { return c == ' ' || c == '\t'; };
    if (space(field.front()) || space(field.back())) return true;
    return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

void append_field(std::string& out, std::string_view field) {
    if (!needs_quoting(field)) {
        out.append(field);
        return;
    }
    out += '"';
    for (;;) {
        const std::size_t quote = field.find('"');
        if (quote == std::string_view::npos) break;
        out.append(field.substr(0, quote + 1));
        out += '"';
        field.remove_prefix(quote + 1);
    }
    out.append(field);
    out += '"';
}

namespace {

template <typename Fields>
void append_fields(std::string& out, const Fields& fields) {
    if (fields.size() == 0) throw std::invalid_argument("a CSV row needs at least one field");
    if (fields.size() == 1 && std::string_view(*fields.begin()).empty()) {
        out += "\"\"\r\n";  // a bare empty line would read back as a blank line
        return;
    }
    bool first = true;
    for (const auto& f : fields) {
        if (!first) out += ',';
        first = false;
        append_field(out, f);
    }
    out += "\r\n";
}

}  // namespace

void append_row(std::string& out, std::span<const std::string> fields) {
    append_fields(out, fields);
}

void append_row(std::string& out, std::span<const std::string_view> fields) {
    append_fields(out, fields);
}

void append_row(std::string& out, std::initializer_list<std::string_view> fields) {
    append_fields(out, fields);
}

std::string encode(const std::vector<Row>& rows) {
    std::string out;
    std::size_t bytes = 0;
    for (const auto& row : rows) {
        for (const auto& f : row) bytes += f.size() + 3;
    }
    out.reserve(bytes + 2 * rows.size());
    for (const auto& row : rows) append_row(out, row);
    return out;
}

}  // namespace common::csv
