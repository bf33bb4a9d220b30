#include "client/sse_parser.hpp"

#include <charconv>
#include <cstring>

namespace harness {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

bool SseParser::fail(std::string why) {
    error_ = std::move(why);
    partial_.clear();
    data_.clear();
    return false;
}

bool SseParser::next_line(std::string_view& chunk, std::string_view& line) {
    if (!bom_checked_) {
        // The BOM may itself arrive split: decide once three bytes (or a mismatch) are seen.
        const std::size_t have = partial_.size();
        const std::size_t take = std::min(kBom.size() - have, chunk.size());
        const std::string_view start = chunk.substr(0, take);
        if (kBom.substr(have, take) != start) {
            bom_checked_ = true;  // not a BOM: what was held back is the start of a line
        } else if (have + take < kBom.size()) {
            partial_.append(start);
            chunk.remove_prefix(take);
            return false;
        } else {
            bom_checked_ = true;
            partial_.clear();
            chunk.remove_prefix(take);
            if (chunk.empty()) return false;
        }
    }
    if (skip_lf_) {
        skip_lf_ = false;
        if (chunk.front() == '\n') {
            chunk.remove_prefix(1);
            if (chunk.empty()) return false;
        }
    }
    // memchr, twice, rather than a loop over the bytes: this runs once per streamed token.
    const char* p = chunk.data();
    const auto* lf = static_cast<const char*>(std::memchr(p, '\n', chunk.size()));
    const std::size_t before_lf = lf ? static_cast<std::size_t>(lf - p) : chunk.size();
    const auto* cr = static_cast<const char*>(std::memchr(p, '\r', before_lf));
    const std::size_t end = cr ? static_cast<std::size_t>(cr - p) : before_lf;
    if (end == chunk.size()) {
        if (partial_.size() + chunk.size() > max_line_) {
            fail("a line of the event stream exceeded " + std::to_string(max_line_) + " bytes");
            chunk = {};
            return false;
        }
        partial_.append(chunk);
        chunk = {};
        return false;
    }
    if (chunk[end] == '\r') skip_lf_ = true;  // the LF of a CRLF may be in the next chunk
    if (partial_.empty()) {
        line = chunk.substr(0, end);
    } else {
        partial_.append(chunk.substr(0, end));
        line = partial_;
    }
    chunk.remove_prefix(end + 1);
    if (skip_lf_ && !chunk.empty()) {
        skip_lf_ = false;
        if (chunk.front() == '\n') chunk.remove_prefix(1);
    }
    return true;
}

bool SseParser::take_line(std::string_view line) {
    // `line` may view partial_: it is cleared only once the line has been applied.
    struct ClearPartial {
        std::string& s;
        ~ClearPartial() { s.clear(); }
    } clear_partial{partial_};
    if (line.size() > max_line_) {
        return fail("a line of the event stream exceeded " + std::to_string(max_line_) + " bytes");
    }
    if (line.empty()) {
        // A blank line ends the event; one without data is no event, its type forgotten.
        in_event_ = false;
        if (data_.empty()) {
            type_.clear();
            return true;
        }
        data_.pop_back();  // the "\n" after the last data line
        dispatch_ = true;
        return true;
    }
    if (line.front() == ':') return true;  // a comment (servers send them as keep-alives)
    in_event_ = true;
    const auto colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (data_.size() + value.size() + 1 > max_) {
            return fail("an event of the event stream exceeded " + std::to_string(max_) + " bytes");
        }
        data_.append(value);
        data_.push_back('\n');
    } else if (field == "event") {
        type_.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
    } else if (field == "retry") {
        long long ms = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        const bool digits = !value.empty() && value.front() != '-';
        if (digits && ec == std::errc{} && end == value.data() + value.size()) retry_ms_ = ms;
    }
    // Any other field is ignored, as the format says.
    return true;
}

bool SseParser::finish() {
    if (!error_.empty()) return false;
    if (in_event_ || !partial_.empty()) {
        return fail("the event stream ended inside an event");
    }
    return true;
}

}  // namespace harness
