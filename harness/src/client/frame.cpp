#include "harness/frame.hpp"

#include <charconv>
#include <cstdint>

#include "common/json_scan.hpp"
#include "common/json_text.hpp"
#include "common/utf8.hpp"

namespace harness {

using nlohmann::json;

namespace {

using common::JsonScanner;

// Decodes a raw string already validated by the scanner (quotes included). False on a lone
// surrogate, which a strict parser rejects too.
bool unescape(std::string_view raw, std::string& out) {
    out.clear();
    return common::json_unescape(raw.substr(1, raw.size() - 2), out);
}

// Raw id or token text usable as a route key as is: what dump() would write for it.
bool canonical_key(std::string_view raw) {
    if (raw.empty()) return false;
    if (raw.front() == '"') return raw.find('\\') == std::string_view::npos;
    std::size_t i = raw.front() == '-' ? 1 : 0;
    if (i == raw.size() || (raw[i] == '0' && raw.size() > i + 1)) return false;
    for (; i < raw.size(); ++i) {
        if (raw[i] < '0' || raw[i] > '9') return false;
    }
    return raw != "-0";
}

template <typename T>
bool parse_number(std::string_view raw, T& out) {
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
    return ec == std::errc{} && end == raw.data() + raw.size();
}

// The members of a token frame, as raw JSON text ("" when absent); string_views into the
// frame, so the fast path copies nothing but the token text and route key it returns.
struct TokenMembers {
    std::string_view type, token, position, id, method, params;
    bool has_id = false;
};

// A notifications/progress frame's params object, without a DOM.
bool parse_progress_fast(std::string_view params, Frame& f) {
    JsonScanner p(params);
    std::string_view ptoken, progress, message;
    bool other = false;
    if (!p.object([&](std::string_view key, std::string_view val) {
            if (key == "progressToken") {
                ptoken = val;
            } else if (key == "progress") {
                progress = val;
            } else if (key == "message") {
                message = val;
            } else if (key.find('\\') != std::string_view::npos) {
                other = true;
            }
        })) {
        return false;
    }
    if (other || !canonical_key(ptoken)) return false;
    if (!progress.empty() && !parse_number(progress, f.progress)) return false;
    if (!message.empty()) {
        if (message.front() != '"' || !unescape(message, f.text)) return false;
    }
    f.kind = FrameKind::progress_token;
    f.route = std::string(ptoken);
    return true;
}

// A legacy {"type":"stream_token",...} frame's members.
bool parse_legacy_fast(const TokenMembers& m, Frame& f) {
    if (m.token.empty() || m.token.front() != '"') return false;
    if (!m.position.empty() && !parse_number(m.position, f.position)) return false;
    if (m.has_id && !canonical_key(m.id)) return false;
    if (!unescape(m.token, f.text)) return false;
    f.kind = FrameKind::legacy_token;
    f.route = std::string(m.id);
    return true;
}

// The token frames of either form, without a DOM. False means "let the DOM decide", never
// "invalid": the result is then exactly what the DOM path gives.
bool parse_token_fast(std::string_view text, Frame& f) {
    JsonScanner top(text);
    TokenMembers m;
    bool other = false;
    const bool ok = top.object([&](std::string_view key, std::string_view val) {
        if (key == "type") {
            m.type = val;
        } else if (key == "token") {
            m.token = val;
        } else if (key == "position") {
            m.position = val;
        } else if (key == "id") {
            m.id = val;
            m.has_id = true;
        } else if (key == "method") {
            m.method = val;
        } else if (key == "params") {
            m.params = val;
        } else if (key.find('\\') != std::string_view::npos) {
            other = true;  // an escaped key might spell one of ours
        }
    });
    if (!ok || other || !top.at_end()) return false;
    if (m.type == "\"stream_token\"" && m.method.empty()) return parse_legacy_fast(m, f);
    if (m.method == "\"notifications/progress\"" && !m.has_id && !m.params.empty() &&
        m.params.front() == '{') {
        return parse_progress_fast(m.params, f);
    }
    return false;
}

// Deepest nesting a frame may have. nlohmann parses without recursion, but dump() (route
// keys, reports) recurses, so a hostile frame must not get into the DOM that deep.
constexpr int kMaxFrameDepth = 256;

Frame invalid(std::string why) {
    Frame f;
    f.kind = FrameKind::invalid;
    f.error = std::move(why);
    return f;
}

Frame classify(json j) {
    if (!j.is_object()) return invalid("not a JSON object");
    Frame f;
    const auto method = j.find("method");
    const auto id = j.find("id");
    const auto type = j.find("type");
    if (method == j.end() && type != j.end() && *type == "stream_token") {
        const auto token = j.find("token");
        if (token == j.end() || !token->is_string()) {
            return invalid("stream_token frame without a string 'token'");
        }
        f.kind = FrameKind::legacy_token;
        f.text = token->get<std::string>();
        const auto pos = j.find("position");
        if (pos != j.end()) {
            if (!pos->is_number()) return invalid("stream_token 'position' is not a number");
            // Converting a double outside int64's range is undefined behaviour; a huge
            // unsigned would wrap to a negative position.
            if (pos->is_number_float()) {
                const double d = pos->get<double>();
                if (!(d > -9.2e18 && d < 9.2e18)) {
                    return invalid("stream_token 'position' is out of range");
                }
                f.position = static_cast<std::int64_t>(d);
            } else if (pos->is_number_unsigned() &&
                       pos->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
                return invalid("stream_token 'position' is out of range");
            } else {
                f.position = pos->get<std::int64_t>();
            }
        }
        if (id != j.end()) f.route = route_key(*id);
        return f;
    }
    if (method != j.end()) {
        if (!method->is_string()) return invalid("'method' is not a string");
        f.method = method->get<std::string>();
        if (id != j.end()) {
            f.kind = FrameKind::server_request;
            f.route = route_key(*id);
            f.message = std::move(j);
            return f;
        }
        const auto params = j.find("params");
        if (f.method == "notifications/progress" && params != j.end() && params->is_object() &&
            params->contains("progressToken")) {
            const json& p = *params;
            f.kind = FrameKind::progress_token;
            f.route = route_key(p["progressToken"]);
            const auto progress = p.find("progress");
            if (progress != p.end()) {
                if (!progress->is_number()) return invalid("progress 'progress' is not a number");
                f.progress = progress->get<double>();
            }
            const auto message = p.find("message");
            if (message != p.end()) {
                if (!message->is_string()) return invalid("progress 'message' is not a string");
                f.text = message->get<std::string>();
            }
            return f;
        }
        f.kind = FrameKind::notification;
        f.message = std::move(j);
        return f;
    }
    if (id != j.end() && (j.contains("result") || j.contains("error"))) {
        f.kind = FrameKind::response;
        f.route = route_key(*id);
        f.message = std::move(j);
        return f;
    }
    return invalid("neither a JSON-RPC message nor a stream_token frame");
}

}  // namespace

// Named, never parsed: a switch, so -Wswitch flags a value added without its name
// (docs/architecture.md, "Conventions").
std::string_view to_string(FrameKind kind) {
    switch (kind) {
        case FrameKind::legacy_token:
            return "legacy_token";
        case FrameKind::progress_token:
            return "progress_token";
        case FrameKind::response:
            return "response";
        case FrameKind::notification:
            return "notification";
        case FrameKind::server_request:
            return "server_request";
        case FrameKind::invalid:
            return "invalid";
    }
    return "?";
}

std::string route_key(const json& id) {
    return id.dump();
}

Frame invalid_frame(std::string why) {
    return invalid(std::move(why));
}

Frame parse_frame(std::string_view text) {
    // One UTF-8 check of the whole frame stands in for the per-string checks of a strict
    // parser (escapes are ASCII, so they cannot make a valid frame invalid).
    if (common::utf8::valid(text)) {
        Frame fast;
        if (parse_token_fast(text, fast)) return fast;
    }
    if (!common::json_nesting_within(text, kMaxFrameDepth)) {
        return invalid("nested deeper than " + std::to_string(kMaxFrameDepth) + " levels");
    }
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return invalid("not JSON");
    return classify(std::move(j));
}

}  // namespace harness
