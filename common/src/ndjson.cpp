#include "common/ndjson.hpp"

namespace common {

LineSplitter::Status LineSplitter::feed(std::string_view bytes,
                                        const std::function<bool(std::string_view)>& on_line) {
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) {
            if (buffer_.size() + bytes.size() > max_line_) return Status::line_too_long;
            buffer_.append(bytes);
            return Status::ok;
        }
        std::string_view line;
        if (buffer_.empty()) {
            line = bytes.substr(0, nl);  // fast path: no copy
        } else {
            if (buffer_.size() + nl > max_line_) return Status::line_too_long;
            buffer_.append(bytes.substr(0, nl));
            line = buffer_;
        }
        if (line.size() > max_line_) return Status::line_too_long;
        bytes.remove_prefix(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        bool go_on = true;
        if (!line.empty()) go_on = on_line(line);
        buffer_.clear();
        if (!go_on) break;
    }
    return Status::ok;
}

}  // namespace common
