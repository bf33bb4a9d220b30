#include "mock_ollama/textgen.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "common/rng.hpp"
#include "common/utf8.hpp"

namespace mock_ollama {
namespace {

using common::Rng;
using Words = std::vector<std::string_view>;

// ---------------------------------------------------------------------------------------------
// Small string helpers (ASCII only on purpose: locale-dependent <cctype> would make the output
// depend on the process environment).

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view trim(std::string_view s, std::string_view junk = " \t\r\v\f") {
    const auto b = s.find_first_not_of(junk);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(junk);
    return s.substr(b, e - b + 1);
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_lower(c);
    return out;
}

// Length of the well-formed UTF-8 character starting at s[i], or 0 when none starts there.
std::size_t char_len(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    const std::size_t len = common::utf8::sequence_length(c);
    if (len == 1 || i + len > s.size()) return 0;
    return common::utf8::valid(s.substr(i, len)) ? len : 0;
}

std::uint32_t decode(std::string_view s, std::size_t i, std::size_t len) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = len == 1   ? b0
                       : len == 2 ? (b0 & 0x1Fu)
                       : len == 3 ? (b0 & 0x0Fu)
                                  : (b0 & 0x07u);
    for (std::size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    }
    return cp;
}

// Closest ASCII spelling of Latin letters, for the `plain` profile; empty means "drop it".
std::string_view fold_to_ascii(std::uint32_t cp) {
    static constexpr std::array<std::string_view, 64> kLatin1{
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
        "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "Th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
    // U+0100..U+017F, one letter each.
    static constexpr std::string_view kLatinExtA =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOo"
        "OoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    static_assert(kLatinExtA.size() == 0x80);
    if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) return kLatinExtA.substr(cp - 0x100, 1);
    return {};
}

// Facts come from the prompt, so they may hold control characters or broken UTF-8; the
// tokens must not.
std::string clean(std::string_view s, bool ascii_only) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    auto put = [&](std::string_view piece) {
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out.append(piece);
    };
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = char_len(s, i);
        if (len == 0) {
            ++i;
            continue;
        }
        if (len == 1) {
            const char c = s[i];
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ') {
                pending_space = true;
            } else if (!(ascii_only && c == '"')) {
                put(s.substr(i, 1));
            }
        } else if (ascii_only) {
            const auto folded = fold_to_ascii(decode(s, i, len));
            if (!folded.empty()) put(folded);
        } else {
            put(s.substr(i, len));
        }
        i += len;
    }
    return out;
}

// "Chest pain" reads better mid-sentence as "chest pain"; "COPD" must stay as it is.
std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' &&
        (s.size() == 1 || !(s[1] >= 'A' && s[1] <= 'Z'))) {
        s[0] = to_lower(s[0]);
    }
    return s;
}

std::string join(const std::vector<std::string>& items, std::size_t limit = 4) {
    const std::size_t n = std::min(items.size(), limit);
    std::string out;
    for (std::size_t k = 0; k < n; ++k) {
        if (k > 0) out += (k + 1 == n) ? " and " : ", ";
        out += items[k];
    }
    return out;
}

std::string join(const Words& items) {
    std::string out;
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (k > 0) out += (k + 1 == items.size()) ? " and " : ", ";
        out += items[k];
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Tokeniser.

enum class CharClass { space, newline, letter, digit, apostrophe, symbol };

CharClass classify(std::string_view s, std::size_t i, std::size_t& len) {
    len = char_len(s, i);
    if (len == 0) {
        len = 1;  // a stray byte becomes its own token rather than corrupting a neighbour
        return CharClass::symbol;
    }
    if (len == 1) {
        const char c = s[i];
        if (c == ' ') return CharClass::space;
        if (c == '\n') return CharClass::newline;
        if (is_alpha(c)) return CharClass::letter;
        if (is_digit(c)) return CharClass::digit;
        if (c == '\'') return CharClass::apostrophe;
        return CharClass::symbol;
    }
    if (len == 4) return CharClass::symbol;  // emoji and other astral symbols stand alone
    const std::uint32_t cp = decode(s, i, len);
    if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F)) return CharClass::symbol;
    return CharClass::letter;
}

std::size_t letter_run_end(std::string_view s, std::size_t i) {
    std::size_t len = 0;
    while (i < s.size() && classify(s, i, len) == CharClass::letter) i += len;
    return i;
}

void emit(std::vector<std::string>& out, bool space, std::string_view piece) {
    std::string tok;
    tok.reserve(piece.size() + 1);
    if (space) tok.push_back(' ');
    tok.append(piece);
    out.push_back(std::move(tok));
}

// Long words become 2-3 pieces, as a BPE vocabulary would split rarer words.
void emit_word(std::vector<std::string>& out, bool space, std::string_view word) {
    std::size_t cps = common::utf8::code_points(word);
    if (cps <= 7) {
        emit(out, space, word);
        return;
    }
    const std::size_t pieces = cps <= 11 ? 2 : cps <= 18 ? 3 : (cps + 5) / 6;
    std::size_t byte = 0;
    std::size_t cp = 0;
    for (std::size_t p = 1; p <= pieces; ++p) {
        const std::size_t cut_cp = cps * p / pieces;
        const std::size_t start = byte;
        while (cp < cut_cp) {
            byte += common::utf8::sequence_length(static_cast<unsigned char>(word[byte]));
            ++cp;
        }
        emit(out, space && p == 1, word.substr(start, byte - start));
    }
}

// ---------------------------------------------------------------------------------------------
// Fact extraction.

enum class Key { none, name, age, sex, symptoms, history, medications };

Key classify_key(std::string_view key) {
    static constexpr std::array<std::pair<std::string_view, Key>, 22> kKeys{{
        {"name", Key::name},
        {"patient", Key::name},
        {"patient name", Key::name},
        {"full name", Key::name},
        {"age", Key::age},
        {"patient age", Key::age},
        {"gender", Key::sex},
        {"sex", Key::sex},
        {"symptoms", Key::symptoms},
        {"current symptoms", Key::symptoms},
        {"presenting symptoms", Key::symptoms},
        {"chief complaint", Key::symptoms},
        {"complaints", Key::symptoms},
        {"history", Key::history},
        {"medical history", Key::history},
        {"past medical history", Key::history},
        {"pmh", Key::history},
        {"medications", Key::medications},
        {"current medications", Key::medications},
        {"medication", Key::medications},
        {"meds", Key::medications},
        {"current medication", Key::medications},
    }};
    for (const auto& [k, v] : kKeys) {
        if (k == key) return v;
    }
    return Key::none;
}

bool is_none_value(std::string_view v) {
    static constexpr std::array<std::string_view, 9> kNone{
        "none", "n/a", "na", "nil", "unknown", "-", "not specified", "none reported", "no"};
    const std::string low = lower_ascii(v);
    return std::find(kNone.begin(), kNone.end(), low) != kNone.end();
}

std::vector<std::string> split_list(std::string_view v) {
    std::vector<std::string> items;
    while (!v.empty()) {
        const auto cut = v.find_first_of(",;");
        const auto item = trim(v.substr(0, cut), " \t\r\v\f.");
        if (!item.empty() && !is_none_value(item)) items.emplace_back(item);
        if (cut == std::string_view::npos) break;
        v.remove_prefix(cut + 1);
    }
    return items;
}

std::optional<int> parse_age(std::string_view v) {
    int age = 0;
    std::size_t digits = 0;
    while (digits < v.size() && is_digit(v[digits])) {
        if (++digits > 3) return std::nullopt;
        age = age * 10 + (v[digits - 1] - '0');
    }
    if (digits == 0 || age > 150) return std::nullopt;
    return age;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Everything here is ASCII except the hostile additions, so `plain` stays ASCII.

template <typename T, std::size_t N>
const T& pick(Rng& rng, const std::array<T, N>& a) {
    return a[rng.below(N)];
}

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& v) {
    return v[rng.below(v.size())];
}

constexpr std::array<std::string_view, 4> kHeadings{
    "Assessment: ", "Summary: ", "Clinical summary: ", ""};
constexpr std::array<std::string_view, 6> kQualities{"intermittent",     "progressive",
                                                     "mild to moderate", "worse with exertion",
                                                     "relieved by rest", "constant"};
constexpr std::array<std::string_view, 4> kCourses{"gradually worsening", "stable", "fluctuating",
                                                   "slowly improving"};
constexpr std::array<std::string_view, 4> kDenials{
    "fever, syncope or palpitations", "recent travel or trauma", "weight loss or night sweats",
    "nausea, vomiting or diarrhea"};
constexpr std::array<std::string_view, 9> kTests{
    "an ECG",        "a complete blood count", "a basic metabolic panel",
    "troponin",      "a chest X-ray",          "an HbA1c",
    "a lipid panel", "a urinalysis",           "thyroid function tests"};
constexpr std::array<std::string_view, 4> kPlanHeadings{"Plan", "Recommendations", "Next steps",
                                                        "Follow-up"};
constexpr std::array<std::string_view, 3> kAssessmentHeadings{"Assessment", "Impression",
                                                              "Key concerns"};
constexpr std::array<std::string_view, 5> kGenericDx{"a viral illness", "medication side effects",
                                                     "anxiety", "deconditioning",
                                                     "an electrolyte disturbance"};

struct DxRule {
    std::string_view keyword;
    std::array<std::string_view, 3> dx;
};
constexpr std::array<DxRule, 15> kDxRules{{
    {"chest", {"acute coronary syndrome", "stable angina", "pulmonary embolism"}},
    {"breath", {"heart failure", "pneumonia", "a COPD exacerbation"}},
    {"cough", {"acute bronchitis", "pneumonia", "asthma"}},
    {"fever", {"a viral infection", "a urinary tract infection", "pneumonia"}},
    {"headache", {"tension-type headache", "migraine", "hypertensive urgency"}},
    {"fatigue", {"anemia", "hypothyroidism", "depression"}},
    {"dizz", {"orthostatic hypotension", "vestibular neuritis", "an arrhythmia"}},
    {"abdominal", {"gastritis", "cholecystitis", "appendicitis"}},
    {"nausea", {"gastroenteritis", "medication side effects", "gastritis"}},
    {"palpitation", {"atrial fibrillation", "thyrotoxicosis", "anxiety"}},
    {"rash", {"contact dermatitis", "a drug reaction", "a viral exanthem"}},
    {"thirst", {"hyperglycemia", "diabetes insipidus", "dehydration"}},
    {"joint", {"osteoarthritis", "gout", "rheumatoid arthritis"}},
    {"back", {"musculoskeletal strain", "lumbar radiculopathy", "renal colic"}},
    {"swelling", {"heart failure", "deep vein thrombosis", "venous insufficiency"}},
}};

// The characters that break naive CSV/JSON code: quotes, commas, a line break, non-ASCII
// letters and single-code-point emoji. Every hostile addition carries all of them.
constexpr std::array<std::string_view, 6> kQuotes{
    "pressure-like",  "like a band around my chest", "not myself lately",
    "worse at night", "it comes and goes",           "sharp, then dull"};
constexpr std::array<std::string_view, 6> kPeople{"M\u00fcller",   "Pe\u00f1a",
                                                  "Gro\u00dfmann", "N\u00fa\u00f1ez",
                                                  "\u00d8degaard", "J\u00fcrgens"};
constexpr std::array<std::string_view, 5> kEponyms{
    "M\u00e9ni\u00e8re's disease", "Sj\u00f6gren's syndrome", "Beh\u00e7et's disease",
    "Guillain-Barr\u00e9 syndrome", "Waldenstr\u00f6m's macroglobulinemia"};
constexpr std::array<std::string_view, 4> kEmoji{"\U0001FA7A", "\U0001F48A", "\U0001F4CB",
                                                 "\U0001FAC0"};

// Facts cleaned for output, plus what the sentences derive from them.
struct Facts {
    std::string name;
    std::string age;
    int sex = 0;  // 0 unknown, 1 female, 2 male
    std::vector<std::string> symptoms;
    std::vector<std::string> history;
    std::vector<std::string> meds;
    std::string symptom_list;
    std::string history_list;
    std::string med_list;
    Words dx;
};

std::vector<std::string> clean_list(const std::vector<std::string>& in, bool ascii_only) {
    std::vector<std::string> out;
    for (const auto& item : in) {
        std::string c = lower_first(clean(item, ascii_only));
        if (!c.empty()) out.push_back(std::move(c));
    }
    return out;
}

Facts prepare(const PromptFacts& raw, bool ascii_only) {
    Facts f;
    f.name = clean(raw.name, ascii_only);
    if (raw.age) f.age = std::to_string(*raw.age);
    const std::string sex = lower_ascii(trim(raw.sex));
    if (!sex.empty()) {
        if (sex[0] == 'f' || sex[0] == 'w') f.sex = 1;
        if (sex[0] == 'm') f.sex = 2;
    }
    f.symptoms = clean_list(raw.symptoms, ascii_only);
    f.history = clean_list(raw.history, ascii_only);
    f.meds = clean_list(raw.medications, ascii_only);
    f.symptom_list = join(f.symptoms);
    f.history_list = join(f.history);
    f.med_list = join(f.meds);
    for (const auto& s : f.symptoms) {
        const std::string low = lower_ascii(s);
        for (const auto& rule : kDxRules) {
            if (low.find(rule.keyword) == std::string::npos) continue;
            for (auto dx : rule.dx) {
                if (std::find(f.dx.begin(), f.dx.end(), dx) == f.dx.end()) f.dx.push_back(dx);
            }
        }
    }
    if (f.dx.size() > 4) f.dx.resize(4);
    for (auto dx : kGenericDx) {
        if (f.dx.size() >= 3) break;
        if (std::find(f.dx.begin(), f.dx.end(), dx) == f.dx.end()) f.dx.push_back(dx);
    }
    return f;
}

void append_capitalized(std::string& s, std::string_view text) {
    if (text.empty()) return;
    s.push_back(to_upper(text[0]));
    s.append(text.substr(1));
}

std::string_view noun(const Facts& f) {
    return f.sex == 1 ? "woman" : f.sex == 2 ? "man" : "patient";
}

// ---------------------------------------------------------------------------------------------
// Sentence composer: each call appends one sentence (with its leading separator) to `s`.

class Composer {
  public:
    Composer(Rng& rng, const Facts& f, double hostile_rate)
        : rng_(rng), f_(f), rate_(hostile_rate) {}

    void opening(std::string& s, char formula_prefix) {
        if (formula_prefix != '\0') s.push_back(formula_prefix);
        s += pick(rng_, kHeadings);
        const std::string_view who = f_.name.empty() ? std::string_view("The patient") : f_.name;
        const std::string_view complaint = f_.symptoms.empty()
                                               ? std::string_view("nonspecific complaints")
                                               : std::string_view(f_.symptom_list);
        const auto variant = rng_.below(3);
        if (!f_.age.empty() && variant == 0) {
            s += who;
            s += " is a ";
            s += f_.age;
            s += "-year-old ";
            s += noun(f_);
            s += " presenting with ";
        } else if (!f_.age.empty() && variant == 1) {
            s += who;
            s += ", aged ";
            s += f_.age;
            s += ", presents with ";
        } else {
            s += who;
            s += f_.age.empty() ? " presents with " : " (age " + f_.age + ") reports ";
        }
        s += complaint;
        end_sentence(s);
        if (!f_.history.empty()) {
            s += " Relevant history includes ";
            s += f_.history_list;
            end_sentence(s);
        }
    }

    void body(std::string& s) {
        enum Kind { symptom, history, meds, vitals, differential, interaction, plan, safety, list };
        constexpr int kKinds = 9;
        int kind = static_cast<int>(rng_.below(kKinds));
        if (kind == last_kind_) kind = (kind + 1) % kKinds;
        last_kind_ = kind;
        if (kind == list) {
            bullets(s);
            after_list_ = true;
            return;
        }
        if (after_list_ || rng_.chance(0.15)) {
            s += "\n\n";
            // A heading only where it fits what follows, and never right after a list.
            if (!after_list_ && rng_.chance(0.6)) {
                if (kind == differential) s += pick(rng_, kAssessmentHeadings);
                if (kind == plan || kind == safety) s += pick(rng_, kPlanHeadings);
                if (kind == differential || kind == plan || kind == safety) s += ": ";
            }
        } else {
            s.push_back(' ');
        }
        after_list_ = false;
        switch (kind) {
            case symptom:
                symptom_sentence(s);
                break;
            case history:
                history_sentence(s);
                break;
            case meds:
                meds_sentence(s);
                break;
            case vitals:
                vitals_sentence(s);
                break;
            case differential:
                differential_sentence(s);
                break;
            case interaction:
                interaction_sentence(s);
                break;
            case plan:
                plan_sentence(s);
                break;
            default:
                safety_sentence(s);
                break;
        }
    }

  private:
    std::string_view subject() {
        if (f_.sex != 0 && rng_.chance(0.5)) return f_.sex == 1 ? "She" : "He";
        return "The patient";
    }

    std::string number(std::uint64_t lo, std::uint64_t hi) {
        return std::to_string(lo + rng_.below(hi - lo + 1));
    }

    // Ends the sentence, sometimes with the hostile addition in front of the full stop.
    void end_sentence(std::string& s) {
        if (rate_ > 0.0 && rng_.chance(rate_)) hostile_addition(s);
        s.push_back('.');
    }

    void hostile_addition(std::string& s) {
        const auto quote = pick(rng_, kQuotes);
        const auto person = pick(rng_, kPeople);
        const auto emoji = pick(rng_, kEmoji);
        switch (rng_.below(4)) {
            case 0:
                s += ", described as \"";
                s += quote;
                s += "\",\nwith a temperature of 38.";
                s += number(0, 9);
                s += " \u00b0C ";
                s += emoji;
                break;
            case 1:
                s += ", although the patient says \"";
                s += quote;
                s += "\", and,\nper Dr. ";
                s += person;
                s += ", ";
                s += pick(rng_, kEponyms);
                s += " is less likely ";
                s += emoji;
                break;
            case 2:
                s += "; in the patient's words: \"";
                s += quote;
                s += "\", levothyroxine ";
                s += number(2, 15) + "0";
                s += " \u00b5g daily,\nreviewed by Dr. ";
                s += person;
                s += " ";
                s += emoji;
                break;
            default:
                s += ", \"";
                s += quote;
                s += "\", as charted by Dr. ";
                s += person;
                s += ",\n";
                s += emoji;
                s += " consider ";
                s += pick(rng_, kEponyms);
                break;
        }
    }

    void symptom_sentence(std::string& s) {
        if (f_.symptoms.empty()) {
            s += subject();
            s += rng_.chance(0.5) ? " reports no acute complaints at this time"
                                  : " describes a general decline in well-being";
            end_sentence(s);
            return;
        }
        const std::string& sym = pick(rng_, f_.symptoms);
        switch (rng_.below(3)) {
            case 0:
                s += "The ";
                s += sym;
                s += " is described as ";
                s += pick(rng_, kQualities);
                s += " and ";
                s += pick(rng_, kQualities);
                break;
            case 1:
                s += subject();
                s += " reports that the ";
                s += sym;
                s += " began ";
                s += number(2, 14);
                s += " days ago and has been ";
                s += pick(rng_, kCourses);
                break;
            default:
                s += subject();
                s += " denies ";
                s += pick(rng_, kDenials);
                break;
        }
        end_sentence(s);
    }

    void history_sentence(std::string& s) {
        if (f_.history.empty()) {
            s += "No significant past medical history is documented";
        } else if (rng_.chance(0.5)) {
            s += "Past medical history is notable for ";
            s += f_.history_list;
        } else {
            s += "The history of ";
            s += pick(rng_, f_.history);
            s += " is relevant to the current presentation";
        }
        end_sentence(s);
    }

    void meds_sentence(std::string& s) {
        if (f_.meds.empty()) {
            s += "No regular medications are documented";
        } else {
            switch (rng_.below(3)) {
                case 0:
                    s += "Current medications include ";
                    s += f_.med_list;
                    break;
                case 1:
                    s += subject();
                    s += " is currently taking ";
                    s += f_.med_list;
                    break;
                default:
                    s += "Adherence to ";
                    s += pick(rng_, f_.meds);
                    s += " should be confirmed";
                    break;
            }
        }
        end_sentence(s);
    }

    void vitals_sentence(std::string& s) {
        if (rng_.chance(0.5)) {
            s += "Vital signs: blood pressure ";
            s += number(108, 168);
            s += "/";
            s += number(66, 99);
            s += " mmHg, heart rate ";
            s += number(58, 112);
            s += " bpm, oxygen saturation ";
            s += number(92, 99);
            s += "%";
        } else {
            s += "Recorded temperature is 37.";
            s += number(0, 9);
            s += " C and respiratory rate is ";
            s += number(12, 24);
            s += " per minute";
        }
        end_sentence(s);
    }

    void differential_sentence(std::string& s) {
        switch (rng_.below(3)) {
            case 0:
                s += "The differential diagnosis includes ";
                s += join(f_.dx);
                break;
            case 1:
                append_capitalized(s, pick(rng_, f_.dx));
                s += " should be ruled out given the presentation";
                break;
            default:
                s += "Findings are most consistent with ";
                s += f_.dx[0];
                s += ", although ";
                s += f_.dx[1 + rng_.below(f_.dx.size() - 1)];
                s += " remains possible";
                break;
        }
        end_sentence(s);
    }

    void interaction_sentence(std::string& s) {
        if (!f_.meds.empty() && !f_.history.empty()) {
            s += "Given the history of ";
            s += pick(rng_, f_.history);
            s += ", ";
            s += pick(rng_, f_.meds);
            s += " dosing should be reviewed";
        } else if (!f_.meds.empty()) {
            append_capitalized(s, pick(rng_, f_.meds));
            s += " may interact with new prescriptions, so a medication review is advised";
        } else {
            s += "A medication reconciliation is recommended at the next visit";
        }
        end_sentence(s);
    }

    // Three distinct tests, by a partial Fisher-Yates shuffle of their indices.
    std::array<std::string_view, 3> three_tests() {
        std::array<std::size_t, kTests.size()> idx{};
        for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
        std::array<std::string_view, 3> out{};
        for (std::size_t k = 0; k < out.size(); ++k) {
            std::swap(idx[k], idx[k + rng_.below(idx.size() - k)]);
            out[k] = kTests[idx[k]];
        }
        return out;
    }

    void plan_sentence(std::string& s) {
        const auto tests = three_tests();
        switch (rng_.below(3)) {
            case 0:
                s += "Recommend ";
                s += tests[0];
                s += ", ";
                s += tests[1];
                s += " and ";
                s += tests[2];
                break;
            case 1:
                s += "Follow-up is advised within ";
                s += number(2, 14);
                s += " days, or sooner if symptoms worsen";
                break;
            default:
                s += "Further evaluation with ";
                s += tests[0];
                s += " is warranted";
                break;
        }
        end_sentence(s);
    }

    void safety_sentence(std::string& s) {
        switch (rng_.below(3)) {
            case 0:
                s += subject();
                s += " should seek urgent care for worsening ";
                s += f_.symptoms.empty() ? std::string_view("symptoms")
                                         : std::string_view(pick(rng_, f_.symptoms));
                s += ", new confusion or fainting";
                break;
            case 1:
                s += "Lifestyle counselling on diet, exercise and sleep is advised";
                break;
            default:
                s += "This summary is not a substitute for clinical judgement";
                break;
        }
        end_sentence(s);
    }

    void bullets(std::string& s) {
        const auto tests = three_tests();
        s += "\n\n";
        s += pick(rng_, kPlanHeadings);
        s += ":\n- Obtain ";
        s += tests[0];
        s += " and ";
        s += tests[1];
        s += ".\n- ";
        if (!f_.meds.empty()) {
            s += "Review ";
            s += pick(rng_, f_.meds);
            s += " dosing.";
        } else {
            s += "Repeat vital signs in ";
            s += number(2, 8);
            s += " hours.";
        }
        s += "\n- Schedule follow-up in ";
        s += number(3, 21);
        s += " days.";
    }

    Rng& rng_;
    const Facts& f_;
    double rate_;
    int last_kind_ = -1;
    bool after_list_ = false;
};

std::uint64_t derive_seed(std::uint64_t seed, std::string_view model, std::string_view prompt) {
    std::array<char, 8> bytes{};
    for (std::size_t k = 0; k < bytes.size(); ++k) {
        bytes[k] = static_cast<char>((seed >> (8 * k)) & 0xFF);
    }
    std::uint64_t h = common::fnv1a64(std::string_view(bytes.data(), bytes.size()));
    h = common::fnv1a64(model, h);
    // Ollama resolves an untagged name to ":latest"; both spellings are one model.
    const auto slash = model.rfind('/');
    const auto tail = slash == std::string_view::npos ? model : model.substr(slash + 1);
    if (tail.find(':') == std::string_view::npos) h = common::fnv1a64(":latest", h);
    h = common::fnv1a64(std::string_view("\0", 1), h);  // keeps model and prompt apart
    return common::fnv1a64(prompt, h);
}

}  // namespace

std::optional<TextProfile> parse_text_profile(std::string_view name) {
    if (name == "clinical") return TextProfile::clinical;
    if (name == "hostile") return TextProfile::hostile;
    if (name == "plain") return TextProfile::plain;
    return std::nullopt;
}

std::string_view to_string(TextProfile p) {
    switch (p) {
        case TextProfile::clinical:
            return "clinical";
        case TextProfile::hostile:
            return "hostile";
        case TextProfile::plain:
            return "plain";
    }
    return "clinical";
}

PromptFacts extract_facts(std::string_view prompt) {
    PromptFacts facts;
    bool seen_sex = false;
    while (!prompt.empty()) {
        const auto eol = prompt.find('\n');
        std::string_view line = prompt.substr(0, eol);
        prompt.remove_prefix(eol == std::string_view::npos ? prompt.size() : eol + 1);

        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        // Markdown decoration such as "- **Name:** Maria" is common in prompts.
        const std::string key = lower_ascii(trim(line.substr(0, colon), " \t\r\v\f-*#>_"));
        const std::string_view value = trim(line.substr(colon + 1), " \t\r\v\f*_");
        switch (classify_key(key)) {
            case Key::name:
                if (facts.name.empty() && !value.empty() && !is_none_value(value)) {
                    facts.name = std::string(value);
                }
                break;
            case Key::age:
                if (!facts.age) facts.age = parse_age(value);
                break;
            case Key::sex:
                if (!seen_sex && !value.empty()) {
                    facts.sex = std::string(value);
                    seen_sex = true;
                }
                break;
            case Key::symptoms:
                if (facts.symptoms.empty()) facts.symptoms = split_list(value);
                break;
            case Key::history:
                if (facts.history.empty()) facts.history = split_list(value);
                break;
            case Key::medications:
                if (facts.medications.empty()) facts.medications = split_list(value);
                break;
            case Key::none:
                break;
        }
    }
    return facts;
}

void tokenize_into(std::string_view text, std::vector<std::string>& out) {
    std::size_t i = 0;
    std::size_t len = 0;
    while (i < text.size()) {
        bool space = false;
        if (text[i] == ' ' && i + 1 < text.size()) {
            const CharClass next = classify(text, i + 1, len);
            if (next != CharClass::space && next != CharClass::newline) {
                space = true;  // a single space rides on the next piece, as in BPE vocabularies
                ++i;
            }
        }
        switch (classify(text, i, len)) {
            case CharClass::space:
                out.emplace_back(" ");
                ++i;
                break;
            case CharClass::newline:
                out.emplace_back("\n");
                ++i;
                break;
            case CharClass::letter: {
                const std::size_t end = letter_run_end(text, i);
                emit_word(out, space, text.substr(i, end - i));
                i = end;
                break;
            }
            case CharClass::digit: {
                std::size_t end = i;
                while (end < text.size() && is_digit(text[end])) ++end;
                bool first = true;
                for (std::size_t k = i; k < end; k += 3) {
                    emit(out, space && first, text.substr(k, std::min<std::size_t>(3, end - k)));
                    first = false;
                }
                i = end;
                break;
            }
            case CharClass::apostrophe: {
                const std::size_t end = letter_run_end(text, i + 1);
                emit(out, space, text.substr(i, end - i));  // "'s" stays whole
                i = end;
                break;
            }
            case CharClass::symbol:
                emit(out, space, text.substr(i, len));
                i += len;
                break;
        }
    }
}

std::vector<std::string> generate_tokens(std::uint64_t seed, std::string_view model,
                                         std::string_view prompt, std::size_t count,
                                         const TextOptions& options) {
    std::vector<std::string> tokens;
    if (count == 0) return tokens;

    double rate = options.hostile_rate;
    if (!(rate > 0.0)) rate = 0.0;  // also maps NaN to 0
    if (rate > 1.0) rate = 1.0;
    if (options.profile == TextProfile::plain) rate = 0.0;
    if (options.profile == TextProfile::hostile) rate = 1.0;

    Rng rng(derive_seed(seed, model, prompt));
    const Facts facts = prepare(extract_facts(prompt), options.profile == TextProfile::plain);
    Composer composer(rng, facts, rate);

    tokens.reserve(count + 64);
    std::string sentence;
    sentence.reserve(512);
    const char prefix = options.profile != TextProfile::hostile ? '\0'
                        : rng.chance(0.5)                       ? '='
                                                                : '@';
    composer.opening(sentence, prefix);
    tokenize_into(sentence, tokens);
    while (tokens.size() < count) {
        sentence.clear();
        composer.body(sentence);
        tokenize_into(sentence, tokens);
    }
    tokens.resize(count);
    return tokens;
}

}  // namespace mock_ollama
