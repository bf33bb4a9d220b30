#include "mock_ollama/fault.hpp"

#include <charconv>
#include <string>

namespace mock_ollama {

namespace {

struct Name {
    std::string_view name;
    FaultKind kind;
    int status;
};

constexpr Name kNames[] = {
    {"http_500", FaultKind::http_status, 500},
    {"http_503", FaultKind::http_status, 503},
    {"http_404", FaultKind::http_status, 404},
    {"http_429", FaultKind::http_status, 429},
    {"http_status", FaultKind::http_status, 500},
    {"slow_headers", FaultKind::slow_headers, 0},
    {"stall", FaultKind::stall, 0},
    {"reset", FaultKind::reset, 0},
    {"close", FaultKind::close, 0},
    {"cut", FaultKind::cut, 0},
    {"malformed", FaultKind::malformed_line, 0},
    {"error_line", FaultKind::error_line, 0},
    {"empty", FaultKind::empty, 0},
    {"garbage", FaultKind::garbage, 0},
};

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

std::optional<std::uint64_t> to_uint(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::string default_message(const Fault& f) {
    switch (f.status) {
        case 404:
            return "model not found";
        case 429:
            return "too many requests, retry later";
        case 503:
            return "server busy, please try again.  maximum pending requests exceeded";
        default:
            return "llama runner process has terminated: exit status 2";
    }
}

}  // namespace

std::string_view valid_fault_names() {
    return "http_500, http_503, http_404, http_429, http_status (code=NNN), slow_headers (ms), "
           "stall (after, ms), reset (after), close (after), cut (bytes), malformed (after), "
           "error_line (after, message), empty, garbage";
}

// Named, never parsed (parse_fault reads its own spellings, with arguments): a switch, so
// -Wswitch flags a kind added without its name (docs/architecture.md, "Conventions").
std::string_view to_string(FaultKind kind) {
    switch (kind) {
        case FaultKind::none:
            return "none";
        case FaultKind::http_status:
            return "http_status";
        case FaultKind::slow_headers:
            return "slow_headers";
        case FaultKind::stall:
            return "stall";
        case FaultKind::reset:
            return "reset";
        case FaultKind::close:
            return "close";
        case FaultKind::cut:
            return "cut";
        case FaultKind::malformed_line:
            return "malformed";
        case FaultKind::error_line:
            return "error_line";
        case FaultKind::empty:
            return "empty";
        case FaultKind::garbage:
            return "garbage";
    }
    return "?";
}

std::variant<Fault, std::string> parse_fault(std::string_view spec_in) {
    const std::string spec = trim(spec_in);
    Fault f;
    f.spec = spec;
    if (spec.empty() || spec == "none") return f;

    const auto colon = spec.find(':');
    const std::string name = trim(std::string_view(spec).substr(0, colon));
    const Name* found = nullptr;
    for (const auto& n : kNames) {
        if (n.name == name) found = &n;
    }
    if (found == nullptr) {
        return "unknown fault '" + name + "'; valid faults: " + std::string(valid_fault_names());
    }
    f.kind = found->kind;
    if (found->status != 0) f.status = found->status;
    if (f.kind == FaultKind::slow_headers) f.duration = std::chrono::milliseconds(5000);

    std::string_view rest =
        colon == std::string::npos ? std::string_view{} : std::string_view(spec).substr(colon + 1);
    while (!rest.empty()) {
        // `message` takes the rest of the spec, so that it may contain commas.
        const auto comma = rest.starts_with("message=") ? std::string_view::npos : rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            return "fault '" + name + "': expected key=value, got '" + std::string(item) + "'";
        }
        const std::string key = trim(item.substr(0, eq));
        const std::string value = trim(item.substr(eq + 1));
        if (key == "message") {
            f.message = value;
            continue;
        }
        const auto number = to_uint(value);
        if (!number) {
            return "fault '" + name + "': " + key + " must be a non-negative integer, got '" +
                   value + "'";
        }
        if (key == "after" && (f.kind == FaultKind::stall || f.kind == FaultKind::reset ||
                               f.kind == FaultKind::close || f.kind == FaultKind::malformed_line ||
                               f.kind == FaultKind::error_line)) {
            f.after = *number;
        } else if (key == "ms" &&
                   (f.kind == FaultKind::stall || f.kind == FaultKind::slow_headers)) {
            f.duration = std::chrono::milliseconds(*number);
        } else if (key == "bytes" && f.kind == FaultKind::cut) {
            f.bytes = *number;
        } else if (key == "code" && f.kind == FaultKind::http_status) {
            if (*number < 400 || *number > 599) {
                return "fault '" + name + "': code must be 400..599, got " + value;
            }
            f.status = static_cast<int>(*number);
        } else if (key == "retry_after" && f.kind == FaultKind::http_status) {
            f.retry_after_s = static_cast<int>(*number);
        } else {
            return "fault '" + name + "' takes no key '" + key +
                   "'; valid faults: " + std::string(valid_fault_names());
        }
    }
    if (f.kind == FaultKind::http_status && f.message.empty()) f.message = default_message(f);
    if (f.kind == FaultKind::error_line && f.message.empty()) {
        f.message = "an error was encountered while running the model: unexpected EOF";
    }
    return f;
}

}  // namespace mock_ollama
