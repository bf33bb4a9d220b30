// The composer: a clinical assessment from the prepared facts, one sentence at a time.
#include <array>
#include <string>
#include <utility>

#include "model/compose.hpp"
#include "model/text_clean.hpp"
#include "model/vocabulary.hpp"

namespace mock_ollama::text {
namespace {

using common::Rng;

void append_capitalized(std::string& s, std::string_view text) {
    if (text.empty()) return;
    s.push_back(to_upper(text[0]));
    s.append(text.substr(1));
}

std::string_view noun(const Facts& f) {
    return f.sex == 1 ? "woman" : f.sex == 2 ? "man" : "patient";
}

// Each call appends one sentence (with its leading separator) to `s`.
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

    // One of four patterns; {q} a quote, {p} a person, {e} an emoji, {x} the pattern's own
    // detail (drawn after the pattern, as each needs another one).
    void hostile_addition(std::string& s) {
        static constexpr std::array<std::string_view, 4> kPatterns{
            ", described as \"{q}\",\nwith a temperature of 38.{x} \u00b0C {e}",
            ", although the patient says \"{q}\", and,\nper Dr. {p}, {x} is less likely {e}",
            "; in the patient's words: \"{q}\", levothyroxine {x} \u00b5g daily,\nreviewed by "
            "Dr. {p} {e}",
            ", \"{q}\", as charted by Dr. {p},\n{e} consider {x}"};
        const auto quote = pick(rng_, kQuotes);
        const auto person = pick(rng_, kPeople);
        const auto emoji = pick(rng_, kEmoji);
        const auto variant = rng_.below(kPatterns.size());
        const std::string detail = variant == 0   ? number(0, 9)
                                   : variant == 2 ? number(2, 15) + "0"
                                                  : std::string(pick(rng_, kEponyms));
        const std::string_view pattern = kPatterns[variant];
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] != '{' || i + 2 >= pattern.size() || pattern[i + 2] != '}') {
                s.push_back(pattern[i]);
                continue;
            }
            const char slot = pattern[i + 1];
            s += slot == 'q'   ? quote
                 : slot == 'p' ? person
                 : slot == 'e' ? emoji
                               : std::string_view(detail);
            i += 2;
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

}  // namespace

std::vector<std::string> compose_tokens(Rng& rng, const Facts& facts, double hostile_rate,
                                        char formula_prefix, std::size_t count) {
    Composer composer(rng, facts, hostile_rate);
    std::vector<std::string> tokens;
    tokens.reserve(count + 64);
    std::string sentence;
    sentence.reserve(512);
    composer.opening(sentence, formula_prefix);
    tokenize_into(sentence, tokens);
    while (tokens.size() < count) {
        sentence.clear();
        composer.body(sentence);
        tokenize_into(sentence, tokens);
    }
    return tokens;
}

}  // namespace mock_ollama::text
