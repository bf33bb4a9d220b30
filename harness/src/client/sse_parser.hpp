#pragma once
// A push parser for text/event-stream (the WHATWG "server-sent events" format), as a
// Streamable HTTP server answers a request: bytes go in as they arrive, split anywhere, and
// each complete event comes out once. Fields data/event/id/retry, comments (":"), data lines
// joined with "\n", CRLF/CR/LF line ends, one BOM at the start. Bounded: a line or an event's
// data larger than the limit is an error, after which the parser accepts nothing more.
//
// The hot path (a chunk holding whole lines) copies each event's data once, into a buffer
// that keeps its capacity, and allocates nothing per event.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace harness {

struct SseEvent {
    std::string_view type;  // "message" when the event named none
    std::string_view data;  // the data lines joined with "\n"
    std::string_view id;    // the last event id seen so far ("" when none)
};

class SseParser {
  public:
    explicit SseParser(std::size_t max_event_bytes)
        : max_(max_event_bytes), max_line_(max_event_bytes + kFieldSlack) {}

    // Feeds the next bytes; on_event(const SseEvent&) runs for each event completed by them,
    // before feed() returns. False on an error (see error()); every later feed() fails too.
    template <typename OnEvent>
    bool feed(std::string_view chunk, OnEvent&& on_event) {
        if (!error_.empty()) return false;
        while (!chunk.empty()) {
            std::string_view line;
            if (!next_line(chunk, line)) break;  // the rest is kept for the next chunk
            if (!take_line(line)) return false;
            if (dispatch_) {
                dispatch_ = false;
                on_event(
                    SseEvent{type_.empty() ? std::string_view("message") : type_, data_, last_id_});
                data_.clear();
                type_.clear();
            }
        }
        return error_.empty();
    }

    // The stream ended: false (with error()) when it stopped inside an event, whose data the
    // format says to drop.
    bool finish();

    const std::string& error() const { return error_; }
    // The last "retry" field's value, when one was valid.
    std::optional<long long> retry_ms() const { return retry_ms_; }
    const std::string& last_event_id() const { return last_id_; }

  private:
    // Cuts the next whole line off `chunk` (into `line`, without its end); false when the
    // chunk ends first, its bytes then being kept in partial_.
    bool next_line(std::string_view& chunk, std::string_view& line);
    // Applies one line; false on an error.
    bool take_line(std::string_view line);
    bool fail(std::string why);

    // A line holds its field name besides the data: it may be that much longer than an event.
    static constexpr std::size_t kFieldSlack = 64;
    std::size_t max_;
    std::size_t max_line_;
    std::string partial_;  // a line begun in an earlier chunk
    std::string data_;     // the event's data so far, each line followed by "\n"
    std::string type_;     // the event's "event" field
    std::string last_id_;  // kept across events, as the format says
    std::optional<long long> retry_ms_;
    std::string error_;
    bool bom_checked_ = false;
    bool skip_lf_ = false;   // the last line ended with CR: an LF next belongs to it
    bool dispatch_ = false;  // take_line() completed an event
    bool in_event_ = false;  // a field line was seen since the last blank line
};

}  // namespace harness
