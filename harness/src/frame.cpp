#include "harness/frame.hpp"

#include <charconv>
#include <optional>

#include "common/utf8.hpp"

namespace harness {

using nlohmann::json;

namespace {

constexpr int kMaxDepth = 64;

// A strict JSON scanner over one frame: validates the grammar and hands out the raw text of
// the values the fast path needs. It never allocates except to unescape a string.
class Scanner {
  public:
    explicit Scanner(std::string_view s) : s_(s) {}

    void skip_ws() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
            ++i_;
        }
    }
    bool at_end() {
        skip_ws();
        return i_ == s_.size();
    }
    bool peek(char c) {
        skip_ws();
        return i_ < s_.size() && s_[i_] == c;
    }
    bool eat(char c) {
        if (!peek(c)) return false;
        ++i_;
        return true;
    }

    // A string, quotes included in `raw`.
    bool string(std::string_view& raw) {
        skip_ws();
        if (i_ >= s_.size() || s_[i_] != '"') return false;
        const std::size_t start = i_++;
        while (i_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                ++i_;
                raw = s_.substr(start, i_ - start);
                return true;
            }
            if (c < 0x20) return false;
            if (c == '\\') {
                if (++i_ >= s_.size()) return false;
                const char e = s_[i_];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k) {
                        if (++i_ >= s_.size() || !is_hex(s_[i_])) return false;
                    }
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                           e != 'r' && e != 't') {
                    return false;
                }
            }
            ++i_;
        }
        return false;
    }

    bool number(std::string_view& raw) {
        skip_ws();
        const std::size_t start = i_;
        if (i_ < s_.size() && s_[i_] == '-') ++i_;
        if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
        if (s_[i_] == '0') {
            ++i_;
        } else {
            while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        }
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
            while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
            while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
        }
        raw = s_.substr(start, i_ - start);
        return true;
    }

    // Any value; `raw` is its text without surrounding white space.
    bool value(std::string_view& raw, int depth = 0) {
        if (depth > kMaxDepth) return false;
        skip_ws();
        if (i_ >= s_.size()) return false;
        const std::size_t start = i_;
        const char c = s_[i_];
        if (c == '"') return string(raw);
        if (c == '-' || is_digit(c)) return number(raw);
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++i_;
            if (!eat(close)) {
                do {
                    std::string_view ignored;
                    if (c == '{' && (!string(ignored) || !eat(':'))) return false;
                    if (!value(ignored, depth + 1)) return false;
                } while (eat(','));
                if (!eat(close)) return false;
            }
            raw = s_.substr(start, i_ - start);
            return true;
        }
        for (std::string_view lit : {"true", "false", "null"}) {
            if (s_.substr(i_, lit.size()) == lit) {
                i_ += lit.size();
                raw = s_.substr(start, lit.size());
                return true;
            }
        }
        return false;
    }

    // An object, calling member(key_raw_without_quotes, value_raw) for each member.
    template <typename Member>
    bool object(Member&& member) {
        if (!eat('{')) return false;
        if (eat('}')) return true;
        do {
            std::string_view key, val;
            if (!string(key) || !eat(':') || !value(val)) return false;
            member(key.substr(1, key.size() - 2), val);
        } while (eat(','));
        return eat('}');
    }

  private:
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }
    static bool is_hex(char c) {
        return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::optional<std::uint32_t> hex4(std::string_view s) {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + 4, v, 16);
    if (ec != std::errc{} || end != s.data() + 4) return std::nullopt;
    return v;
}

// Decodes a raw string already validated by the scanner (quotes included). False on a lone
// surrogate, which a strict parser rejects too.
bool unescape(std::string_view raw, std::string& out) {
    out.clear();
    const std::string_view body = raw.substr(1, raw.size() - 2);
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        const char e = body[++i];
        switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                auto cp = hex4(body.substr(i + 1, 4));
                i += 4;
                if (!cp) return false;
                if (*cp >= 0xD800 && *cp <= 0xDBFF) {
                    if (body.substr(i + 1, 2) != "\\u") return false;
                    const auto low = hex4(body.substr(i + 3, 4));
                    if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
                    i += 6;
                    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                } else if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
                    return false;
                }
                append_utf8(out, *cp);
                break;
            }
            default:
                out += e;
                break;  // " \ /
        }
    }
    return true;
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

// The token frames of either form, without a DOM. False means "let the DOM decide", never
// "invalid": the result is then exactly what the DOM path gives.
bool parse_token_fast(std::string_view text, Frame& f) {
    Scanner top(text);
    std::string_view type, token, position, id, method, params;
    bool has_id = false, other = false;
    const bool ok = top.object([&](std::string_view key, std::string_view val) {
        if (key == "type") {
            type = val;
        } else if (key == "token") {
            token = val;
        } else if (key == "position") {
            position = val;
        } else if (key == "id") {
            id = val;
            has_id = true;
        } else if (key == "method") {
            method = val;
        } else if (key == "params") {
            params = val;
        } else if (key.find('\\') != std::string_view::npos) {
            other = true;  // an escaped key might spell one of ours
        }
    });
    if (!ok || other || !top.at_end()) return false;
    if (type == "\"stream_token\"" && method.empty()) {
        if (token.empty() || token.front() != '"') return false;
        if (!position.empty() && !parse_number(position, f.position)) return false;
        if (has_id && !canonical_key(id)) return false;
        if (!unescape(token, f.text)) return false;
        f.kind = FrameKind::legacy_token;
        f.route = std::string(id);
        return true;
    }
    if (method == "\"notifications/progress\"" && !has_id && !params.empty() &&
        params.front() == '{') {
        Scanner p(params);
        std::string_view ptoken, progress, message;
        bool p_other = false;
        if (!p.object([&](std::string_view key, std::string_view val) {
                if (key == "progressToken") {
                    ptoken = val;
                } else if (key == "progress") {
                    progress = val;
                } else if (key == "message") {
                    message = val;
                } else if (key.find('\\') != std::string_view::npos) {
                    p_other = true;
                }
            })) {
            return false;
        }
        if (p_other || !canonical_key(ptoken)) return false;
        if (!progress.empty() && !parse_number(progress, f.progress)) return false;
        if (!message.empty()) {
            if (message.front() != '"' || !unescape(message, f.text)) return false;
        }
        f.kind = FrameKind::progress_token;
        f.route = std::string(ptoken);
        return true;
    }
    return false;
}

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
            f.position = pos->is_number_float() ? static_cast<std::int64_t>(pos->get<double>())
                                                : pos->get<std::int64_t>();
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

Frame parse_frame(std::string_view text) {
    // One UTF-8 check of the whole frame stands in for the per-string checks of a strict
    // parser (escapes are ASCII, so they cannot make a valid frame invalid).
    if (common::utf8::valid(text)) {
        Frame fast;
        if (parse_token_fast(text, fast)) return fast;
    }
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return invalid("not JSON");
    return classify(std::move(j));
}

}  // namespace harness
