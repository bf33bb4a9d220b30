// search_patients_by_disease: relevance ranking over the clinical fields (method in
// core/tools.hpp).
#include <algorithm>
#include <array>

#include "core/tools.hpp"

namespace core {

namespace {

using json = nlohmann::json;

bool is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Letters, digits and anything non-ASCII count as word characters, so a word boundary is
// white space or ASCII punctuation.
bool is_word_byte(unsigned char c) {
    return c >= 0x80 || is_digit(static_cast<char>(c)) || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

// U+00C0..U+00FF to lower-case ASCII; empty for × and ÷, which stay as they are.
constexpr std::array<std::string_view, 64> latin1_fold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",  //
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",  //
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F (Latin Extended-A) to its base letter; Ĳ ĳ and Œ œ are handled apart.
constexpr std::string_view extended_a_fold =
    "aaaaaacccccccc"
    "ddddeeeeeeeeeegggggggghhhhiiiiiiiiii"
    "iijjkkkllllllllllnnnnnnnnnoooooooo"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(extended_a_fold.size() == 0x80);

std::string_view fold_code_point(unsigned cp) {
    if (cp >= 0xC0 && cp <= 0xFF) return latin1_fold[cp - 0xC0];
    if (cp == 0x132 || cp == 0x133) return "ij";
    if (cp == 0x152 || cp == 0x153) return "oe";
    if (cp >= 0x100 && cp <= 0x17F) return extended_a_fold.substr(cp - 0x100, 1);
    return {};
}

// Lower-case ASCII, Latin accents folded, white space (and no-break space) runs collapsed
// to one space and trimmed. Other bytes pass through unchanged.
std::string fold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space_pending = false;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool two_byte = c >= 0xC2 && c <= 0xC5 && i + 1 < s.size() &&
                              (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80;
        const unsigned cp =
            two_byte ? ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu) : c;
        if (is_space(c) || (two_byte && cp == 0xA0)) {
            space_pending = !out.empty();
            i += two_byte ? 2 : 1;
            continue;
        }
        if (space_pending) {
            out += ' ';
            space_pending = false;
        }
        if (c < 0x80) {
            out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            ++i;
        } else if (const auto folded = two_byte ? fold_code_point(cp) : std::string_view{};
                   !folded.empty()) {
            out += folded;
            i += 2;
        } else {
            out += static_cast<char>(c);
            ++i;
        }
    }
    return out;
}

// Match qualities; plain ints because they are multiplied and summed.
constexpr int no_match = 0;
constexpr int inside_word = 1;
constexpr int word_start = 2;
constexpr int whole_word = 3;

// The best occurrence of `keyword` in `text` (both folded, keyword non-empty).
int match_quality(std::string_view text, std::string_view keyword) {
    // A keyword that starts (ends) with punctuation needs no boundary on that side.
    const bool check_left = is_word_byte(static_cast<unsigned char>(keyword.front()));
    const bool check_right = is_word_byte(static_cast<unsigned char>(keyword.back()));
    int best = no_match;
    for (auto at = text.find(keyword); at != std::string_view::npos;
         at = text.find(keyword, at + 1)) {
        const auto end = at + keyword.size();
        const bool left =
            !check_left || at == 0 || !is_word_byte(static_cast<unsigned char>(text[at - 1]));
        const bool right = !check_right || end == text.size() ||
                           !is_word_byte(static_cast<unsigned char>(text[end]));
        best = std::max(best, left ? (right ? whole_word : word_start) : inside_word);
        if (best == whole_word) break;
    }
    return best;
}

int visits_quality(const std::string& visit_history, std::string_view keyword) {
    // The loader validated the JSON; a hand-made Patient with bad JSON just has no visits.
    const auto visits = json::parse(visit_history, nullptr, /*allow_exceptions=*/false);
    if (!visits.is_array()) return no_match;
    int best = no_match;
    for (const auto& visit : visits) {
        if (!visit.is_object()) continue;
        for (const char* key : {"reason", "notes"}) {
            const auto it = visit.find(key);
            if (it == visit.end() || !it->is_string()) continue;
            best = std::max(best, match_quality(fold(it->get_ref<const std::string&>()), keyword));
            if (best == whole_word) return best;
        }
    }
    return best;
}

// Weights double per field, so that a field outranks all lighter ones combined at the same
// quality (8 > 4 + 2 + 1).
int score(const Patient& p, std::string_view keyword) {
    return 8 * match_quality(fold(p.current_symptoms), keyword) +
           4 * match_quality(fold(p.medical_history), keyword) +
           2 * match_quality(fold(p.current_medications), keyword) +
           1 * visits_quality(p.visit_history, keyword);
}

// Natural order: digit runs compare by value ("P2" < "P10" < "P1000"), the rest byte by
// byte; ids equal that way ("P01", "P1") fall back to plain order so the order is total.
bool id_less(std::string_view a, std::string_view b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            auto ei = i;
            while (ei < a.size() && is_digit(a[ei])) ++ei;
            auto ej = j;
            while (ej < b.size() && is_digit(b[ej])) ++ej;
            auto da = a.substr(i, ei - i);
            auto db = b.substr(j, ej - j);
            while (!da.empty() && da.front() == '0') da.remove_prefix(1);
            while (!db.empty() && db.front() == '0') db.remove_prefix(1);
            if (da.size() != db.size()) return da.size() < db.size();
            if (da != db) return da < db;
            i = ei;
            j = ej;
        } else {
            if (a[i] != b[j]) {
                return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            }
            ++i;
            ++j;
        }
    }
    if (i < a.size() || j < b.size()) return i == a.size();
    return a < b;
}

// The first `n` code points (as Python's s[:n]); never splits a UTF-8 sequence.
std::string_view first_code_points(std::string_view s, std::size_t n) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (count == n) return s.substr(0, i);
        ++count;
    }
    return s;
}

}  // namespace

std::vector<SearchHit> rank_patients(const PatientIndex& patients, std::string_view keyword,
                                     std::size_t limit) {
    const auto folded = fold(keyword);
    if (std::none_of(folded.begin(), folded.end(),
                     [](char c) { return is_word_byte(static_cast<unsigned char>(c)); })) {
        return {};  // empty, or punctuation only: "," would match every list
    }
    std::vector<SearchHit> hits;
    for (const auto& p : patients.all()) {
        if (const int s = score(p, folded); s > 0) hits.push_back(SearchHit{&p, s});
    }
    const auto better = [](const SearchHit& x, const SearchHit& y) {
        if (x.score != y.score) return x.score > y.score;
        return id_less(x.patient->patient_id, y.patient->patient_id);
    };
    const auto n = std::min(limit, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                      better);
    hits.resize(n);
    return hits;
}

std::string search_patients(const PatientIndex& patients, std::string_view keyword) {
    const auto hits = rank_patients(patients, keyword, search_limit);
    const std::string shown(keyword);
    if (hits.empty()) {
        return "No patients found matching '" + shown + "'. Try another symptom or condition.";
    }
    std::string out =
        "Found " + std::to_string(hits.size()) + " patients matching '" + shown + "':\n\n";
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const auto& p = *hits[i].patient;
        if (i != 0) out += '\n';
        out += std::to_string(i + 1) + ". ID: " + p.patient_id + " | Name: " + p.name +
               " | Age: " + std::to_string(p.age) +
               " | Symptoms: " + std::string(first_code_points(p.current_symptoms, 40));
    }
    return out;
}

}  // namespace core
