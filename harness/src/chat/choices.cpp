#include "chat/choices.hpp"

#include <algorithm>
#include <cctype>

namespace harness::chat {

namespace {

constexpr std::size_t kMaxIdLength = 64;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_like_id(std::string_view s) {
    return !s.empty() && s.size() <= kMaxIdLength && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
    });
}

bool same_text_any_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// The value of "KEY: value" at the start of `field`, else nullopt.
std::optional<std::string_view> field_value(std::string_view field, std::string_view key) {
    field = trimmed(field);
    if (!field.starts_with(key)) return std::nullopt;
    return trimmed(field.substr(key.size()));
}

std::optional<Hit> parse_hit(std::string_view line) {
    line = trimmed(line);
    const auto dot = line.find(". ");
    if (dot == std::string_view::npos || !all_digits(line.substr(0, dot))) return std::nullopt;
    Hit hit;
    hit.number = std::string(line.substr(0, dot));
    std::string_view rest = line.substr(dot + 2);
    const auto bar = rest.find('|');
    const auto id = field_value(rest.substr(0, bar), "ID:");
    if (!id || id->empty()) return std::nullopt;
    hit.id = std::string(*id);
    if (bar != std::string_view::npos) {
        rest = rest.substr(bar + 1);
        if (const auto name = field_value(rest.substr(0, rest.find('|')), "Name:")) {
            hit.name = std::string(*name);
        }
    }
    return hit;
}

}  // namespace

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<Hit> parse_hits(std::string_view text) {
    std::vector<Hit> hits;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (auto hit = parse_hit(text.substr(0, nl))) hits.push_back(std::move(*hit));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return hits;
}

Pick parse_pick(std::string_view line, const std::vector<Hit>& hits) {
    line = trimmed(line);
    Pick p;
    if (line.empty()) {
        p.kind = Pick::Kind::search_again;
        return p;
    }
    const std::string range =
        hits.empty() ? std::string() : "1 to " + std::to_string(hits.size()) + ", ";
    if (all_digits(line)) {
        // Compared as text first: "99999999999999999999" must not overflow a conversion.
        const std::size_t n = line.size() <= 9 ? std::stoul(std::string(line)) : 0;
        if (n >= 1 && n <= hits.size()) {
            p.kind = Pick::Kind::patient;
            p.patient_id = hits[n - 1].id;
            return p;
        }
    }
    for (const auto& h : hits) {
        if (same_text_any_case(line, h.id)) {
            p.kind = Pick::Kind::patient;
            p.patient_id = h.id;
            return p;
        }
    }
    if (all_digits(line)) {
        // Ids may be numbers too: one that is not a hit's id is taken for a hit number.
        p.error = "no hit number " + std::string(line) + ": type " + range +
                  "a patient id, or an empty line to search again";
        return p;
    }
    if (looks_like_id(line)) {
        p.kind = Pick::Kind::patient;
        p.patient_id = std::string(line);
        return p;
    }
    p.error = "not a number or a patient id: type " + range +
              "a patient id (letters, digits, - and _), or an empty line to search again";
    return p;
}

std::optional<bool> parse_yes_no(std::string_view line) {
    line = trimmed(line);
    if (line.empty() || same_text_any_case(line, "n") || same_text_any_case(line, "no")) {
        return false;
    }
    if (same_text_any_case(line, "y") || same_text_any_case(line, "yes")) return true;
    return std::nullopt;
}

std::string summary_of_result(std::string_view text) {
    const auto blank = text.find("\n\n");
    if (blank == std::string_view::npos) return std::string(text);
    return std::string(text.substr(blank + 2));
}

}  // namespace harness::chat
