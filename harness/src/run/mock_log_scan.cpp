// A page of the mock's request log read without a DOM: at 1,000 clients × 100 tokens the
// page holds 100,000 token objects, and building nlohmann values for them cost the harness
// about as much CPU as a tenth of its whole run. The page, its requests and their token
// arrays are read in place (JsonScanner::object_in), so each byte is scanned about once, not
// once per level of nesting. Anything unexpected declines (false), and the caller parses the
// page with nlohmann instead, which reports the problem as before.
#include <charconv>
#include <string_view>

#include "common/json_scan.hpp"
#include "common/utf8.hpp"
#include "harness/mock_admin.hpp"

namespace harness {

namespace {

using common::JsonScanner;

template <typename Int>
bool integer(std::string_view raw, Int& out) {
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
    return ec == std::errc() && end == raw.data() + raw.size();
}

bool text(std::string_view raw, std::string& out) {
    if (raw.size() < 2 || raw.front() != '"') return false;
    out.clear();
    return common::json_unescape(raw.substr(1, raw.size() - 2), out);
}

// Calls each(element_raw) for every element of the array `raw`.
template <typename Each>
bool array(std::string_view raw, Each&& each) {
    JsonScanner s(raw);
    if (!s.eat('[')) return false;
    if (s.eat(']')) return s.at_end();
    do {
        std::string_view element;
        if (!s.value(element) || !each(element)) return false;
    } while (s.eat(','));
    return s.eat(']') && s.at_end();
}

// Calls member(key, value_raw) -> bool for every member of the object `raw`.
template <typename Member>
bool object(std::string_view raw, Member&& member) {
    JsonScanner s(raw);
    bool ok = true;
    if (!s.object([&](std::string_view key, std::string_view value) {
            // An escaped key could spell a known one ("i\u0064"): nlohmann's reading then.
            ok = ok && key.find('\\') == std::string_view::npos && member(key, value);
        })) {
        return false;
    }
    return ok && s.at_end();
}

bool well_formed(std::string_view raw, int depth = 0);

// A key or string nlohmann would read too: its escapes decode (surrogates paired).
bool decodes(std::string_view escaped) {
    std::string scratch;
    return common::json_unescape(escaped, scratch);
}

// A member the harness does not read, held to what nlohmann would accept of it.
bool ignored(std::string_view key, std::string_view value) {
    return decodes(key) && well_formed(value);
}

// Every string in `raw`, at any depth, decodes; the scanner has checked the rest of the
// syntax already (and the depth: 64 levels at most).
bool well_formed(std::string_view raw, int depth) {
    if (raw.empty() || depth > 64) return false;
    if (raw.front() == '"') return decodes(raw.substr(1, raw.size() - 2));
    if (raw.front() == '[') {
        return array(raw, [&](std::string_view e) { return well_formed(e, depth + 1); });
    }
    if (raw.front() == '{') {
        return object(raw, [&](std::string_view k, std::string_view v) {
            return decodes(k) && well_formed(v, depth + 1);
        });
    }
    if (raw == "true" || raw == "false" || raw == "null") return true;
    // A number: nlohmann refuses one beyond a double's range (1e999).
    double d = 0;
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), d);
    return ec == std::errc() && end == raw.data() + raw.size();
}

bool token(std::string_view raw, MockToken& t) {
    return object(raw, [&](std::string_view key, std::string_view v) {
        if (key == "i") return integer(v, t.index);
        if (key == "text") return text(v, t.text);
        if (key == "t_us") return integer(v, t.t_us);
        if (key == "scheduled_us") return integer(v, t.scheduled_us);
        return ignored(key, v);
    });
}

// A key the readers below accept: an escaped key could spell a known one ("i\u0064"), so
// such a page is nlohmann's to read.
bool plain(std::string_view key) {
    return key.find('\\') == std::string_view::npos;
}

bool request_member(std::string_view key, std::string_view v, MockRequest& r) {
    if (key == "id") return integer(v, r.id);
    if (key == "endpoint") return text(v, r.endpoint);
    if (key == "model") return text(v, r.model);
    if (key == "prompt") return text(v, r.prompt);
    if (key == "outcome") return text(v, r.outcome);
    if (key == "done_reason") return text(v, r.done_reason);
    if (key == "fault") return text(v, r.fault);
    if (key == "text") return text(v, r.text);
    if (key == "status") return integer(v, r.status);
    if (key == "received_us") return integer(v, r.received_us);
    if (key == "stream") {
        if (v != "true" && v != "false") return false;
        r.stream = v == "true";
        return true;
    }
    return ignored(key, v);
}

// One request, read in place: its token array is the bulk of the page.
bool request(JsonScanner& s, MockRequest& r) {
    return s.object_in([&](std::string_view key, JsonScanner& in) {
        if (!plain(key)) return false;
        if (key == "tokens") {
            r.tokens.clear();  // a repeated key: the last one counts, as in nlohmann
            return in.array_in([&](JsonScanner& el) {
                std::string_view raw;
                return el.value(raw) && token(raw, r.tokens.emplace_back());
            });
        }
        std::string_view raw;
        return in.value(raw) && request_member(key, raw, r);
    });
}

}  // namespace

bool scan_mock_requests(std::string_view page, std::vector<MockRequest>& out) {
    // nlohmann refuses invalid UTF-8 anywhere, read or not.
    if (!common::utf8::valid(page)) return false;
    std::vector<MockRequest> read;
    bool seen = false;
    JsonScanner s(page);
    const bool ok = s.object_in([&](std::string_view key, JsonScanner& in) {
        if (!plain(key)) return false;
        if (key != "requests") {
            std::string_view raw;
            return in.value(raw) && ignored(key, raw);
        }
        seen = true;
        read.clear();
        return in.array_in([&](JsonScanner& el) { return request(el, read.emplace_back()); });
    });
    if (!ok || !seen || !s.at_end()) return false;
    out.insert(out.end(), std::make_move_iterator(read.begin()),
               std::make_move_iterator(read.end()));
    return true;
}

}  // namespace harness
