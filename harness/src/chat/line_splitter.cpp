#include "chat/line_splitter.hpp"

namespace harness::chat {

void LineSplitter::end_line() {
    if (skipping_) {
        skipping_ = false;
        return;  // reported when it became too long
    }
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (partial_.size() > max_) {
        lines_.push_back({{}, true});  // one byte over: held back in case it was the '\r'
    } else {
        lines_.push_back({std::move(partial_), false});
    }
    partial_.clear();
}

void LineSplitter::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, nl);
        if (!skipping_) {
            // One byte of slack for the '\r' of a "\r\n" ending.
            if (partial_.size() + piece.size() > max_ + 1) {
                partial_.clear();
                skipping_ = true;
                lines_.push_back({{}, true});
            } else {
                partial_.append(piece);
            }
        }
        if (nl == std::string_view::npos) return;
        end_line();
        bytes.remove_prefix(nl + 1);
    }
}

void LineSplitter::finish() {
    if (!partial_.empty() || skipping_) end_line();
}

std::optional<Line> LineSplitter::next() {
    if (lines_.empty()) return std::nullopt;
    Line l = std::move(lines_.front());
    lines_.pop_front();
    return l;
}

}  // namespace harness::chat
