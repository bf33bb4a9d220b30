#include "net/line_reader.hpp"

namespace core {

void LineReader::feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
                      const std::function<void()>& on_too_long) {
    const auto each_line = [&on_line](std::string_view line) {
        on_line(line);
        return true;
    };
    // The splitter is given at most one line end at a time: when it reports a line too long,
    // that line is the one in this piece, and where it ends is known here.
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        const bool ends_line = nl != std::string_view::npos;
        const auto piece = bytes.substr(0, ends_line ? nl + 1 : bytes.size());
        bytes.remove_prefix(piece.size());
        if (skipping_) {
            skipping_ = !ends_line;
            continue;
        }
        if (splitter_.feed(piece, each_line) == common::LineSplitter::Status::line_too_long) {
            splitter_.clear();
            skipping_ = !ends_line;
            on_too_long();
        }
    }
}

}  // namespace core
