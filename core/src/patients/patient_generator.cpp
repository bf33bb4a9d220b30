// Synthetic but plausible patients: conditions drive medications, symptoms, readings,
// scores and visit reasons, so that search and summaries have something real to work on.
// Every random draw is a separate statement: operand evaluation order is unspecified in
// C++, and the output must be identical on every compiler.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.hpp"
#include "core/patients.hpp"

namespace core {

namespace {

using Words = std::vector<std::string_view>;

struct Condition {
    std::string_view name;
    double base_chance;  // below min_age, a fifth of it
    int min_age;
    double chance_per_decade;  // added per decade past min_age
    double score_weight;
    std::string_view visit_reason;
    Words medications;
    Words symptoms;
};

// The conditions a patient can have, one row each: name, base chance, min age, chance per
// decade, score weight, visit reason, medications, symptoms. Data, not code. A namespace-scope
// constant is safe here: only generate_patients reads it, at run time, never during another
// translation unit's static initialisation.
const std::vector<Condition> kConditions = {
    {"Hypertension",
     0.12,
     35,
     0.07,
     1.0,
     "Blood pressure follow-up",
     {"Lisinopril 10mg", "Amlodipine 5mg", "Losartan 50mg", "Hydrochlorothiazide 25mg",
      "Metoprolol 50mg"},
     {"headache", "dizziness", "blurred vision", "nosebleeds"}},
    {"Type 2 Diabetes",
     0.06,
     35,
     0.05,
     1.3,
     "Diabetes management",
     {"Metformin 1000mg", "Glipizide 5mg", "Empagliflozin 10mg", "Insulin glargine 20 units"},
     {"increased thirst", "frequent urination", "fatigue", "tingling in feet", "blurred vision"}},
    {"Obesity",
     0.25,
     18,
     0.01,
     0.6,
     "Weight management",
     {"Semaglutide 0.5mg"},
     {"fatigue", "shortness of breath on exertion", "joint pain"}},
    {"High Cholesterol",
     0.08,
     35,
     0.05,
     0.7,
     "Lipid panel review",
     {"Atorvastatin 20mg", "Rosuvastatin 10mg", "Simvastatin 40mg"},
     {}},
    {"Asthma",
     0.10,
     0,
     0.0,
     0.6,
     "Asthma review",
     {"Albuterol inhaler", "Budesonide/formoterol inhaler", "Montelukast 10mg"},
     {"wheezing", "cough", "chest tightness", "shortness of breath"}},
    {"COPD",
     0.01,
     50,
     0.03,
     1.5,
     "COPD exacerbation",
     {"Tiotropium inhaler", "Albuterol inhaler"},
     {"chronic cough", "shortness of breath", "wheezing", "sputum production"}},
    {"Coronary Artery Disease",
     0.01,
     45,
     0.04,
     2.0,
     "Chest pain evaluation",
     {"Aspirin 81mg", "Clopidogrel 75mg", "Nitroglycerin 0.4mg as needed"},
     {"chest pain", "shortness of breath", "fatigue"}},
    {"Atrial Fibrillation",
     0.005,
     60,
     0.04,
     1.6,
     "Palpitations",
     {"Apixaban 5mg", "Diltiazem 120mg"},
     {"palpitations", "dizziness", "fatigue"}},
    {"Hypothyroidism",
     0.06,
     0,
     0.0,
     0.3,
     "Thyroid function review",
     {"Levothyroxine 75mcg"},
     {"fatigue", "weight gain", "cold intolerance", "dry skin"}},
    {"Chronic Kidney Disease",
     0.01,
     55,
     0.03,
     1.8,
     "Kidney function monitoring",
     {"Furosemide 20mg"},
     {"ankle swelling", "fatigue", "nausea", "reduced appetite"}},
    {"Depression",
     0.09,
     0,
     0.0,
     0.5,
     "Mental health follow-up",
     {"Sertraline 50mg", "Escitalopram 10mg"},
     {"low mood", "insomnia", "fatigue", "poor concentration"}},
    {"Osteoarthritis",
     0.02,
     45,
     0.06,
     0.5,
     "Joint pain",
     {"Acetaminophen 500mg as needed", "Naproxen 250mg"},
     {"joint pain", "knee stiffness", "back pain"}},
    {"GERD",
     0.10,
     0,
     0.0,
     0.3,
     "Heartburn",
     {"Omeprazole 20mg", "Pantoprazole 40mg"},
     {"heartburn", "nausea", "chest discomfort after meals"}},
    {"Migraine",
     0.08,
     0,
     0.0,
     0.3,
     "Headache follow-up",
     {"Sumatriptan 50mg as needed", "Propranolol 40mg"},
     {"headache", "nausea", "light sensitivity"}},
};

constexpr std::string_view male_names[] = {
    "James",   "Robert",   "Michael",   "David",  "Daniel", "Thomas",  "Christopher",
    "Anthony", "Kevin",    "Brian",     "Justin", "Jerry",  "José",    "Søren",
    "Łukasz",  "François", "Björn",     "Seán",   "Tomás",  "Hiroshi", "Wei",
    "Arjun",   "Mohammed", "Oluwaseun", "Dmitri"};
constexpr std::string_view female_names[] = {
    "Mary",  "Patricia", "Jennifer", "Linda",      "Elizabeth", "Susan", "Jessica", "Sarah",
    "Karen", "Janet",    "Zoë",      "Chloé",      "Siobhán",   "Renée", "Ana",     "Mei",
    "Priya", "Fatima",   "Ingrid",   "Małgorzata", "Anaïs",     "Yuki",  "Aisha",   "Olga"};
constexpr std::string_view last_names[] = {
    "Smith",    "Johnson", "Williams",  "Brown",    "Jones",     "Garcia",
    "Miller",   "Davis",   "Rodriguez", "Martinez", "Cox",       "Rivera",
    "Torres",   "Álvarez", "Müller",    "Lefèvre",  "Ødegaard",  "Wiśniewski",
    "O'Connor", "Nguyễn",  "Kowalski",  "Dvořák",   "Fernández", "Okafor",
    "Chen",     "Patel",   "Yamamoto",  "Lee",      "Thompson",  "Walker-Hayes"};
constexpr std::string_view general_symptoms[] = {
    "fatigue",     "headache",   "back pain",      "cough",
    "sore throat", "fever",      "nausea",         "insomnia",
    "rash",        "dizziness",  "abdominal pain", "unintended weight loss",
    "chest pain",  "joint pain", "night sweats",   "palpitations"};
constexpr std::string_view general_reasons[] = {
    "Routine checkup",    "Annual physical",   "Follow-up visit", "Medication review",
    "Lab results review", "Flu-like symptoms", "Vaccination"};
// Notes deliberately contain commas and double quotes: they must survive JSON inside CSV.
constexpr std::string_view note_templates[] = {
    "BP {bp}, fasting glucose {sugar} mg/dL.",
    "Patient reports \"{symptom}\" over the past two weeks.",
    "Continue {med}; recheck in 3 months.",
    "Vitals stable, no acute distress.",
    "Labs reviewed: HbA1c {a1c}%, LDL {ldl} mg/dL.",
    "Counselled on diet, exercise and sleep; patient receptive.",
    "Advised to keep a home BP log and bring it next visit.",
    "Says they feel \"much better\" since the last visit.",
    "Referred to cardiology for further evaluation.",
    "ECG: normal sinus rhythm, no ST changes.",
    "Discussed smoking cessation, nicotine patch offered.",
    "Mild ankle edema, 1+ bilaterally."};

std::string_view pick(common::Rng& rng, std::span<const std::string_view> words) {
    return words[rng.below(words.size())];
}

// Roughly N(0, 1) from four uniforms (Irwin-Hall): plain arithmetic, so no libm
// differences between machines.
double gauss(common::Rng& rng) {
    double sum = rng.uniform();
    sum += rng.uniform();
    sum += rng.uniform();
    sum += rng.uniform();
    return (sum - 2.0) * 1.7320508075688772;
}

int clamp_round(double v, int lo, int hi) {
    return std::clamp(static_cast<int>(std::lround(v)), lo, hi);
}

double score(double v) {
    return std::round(std::clamp(v, 0.0, 10.0) * 10.0) / 10.0;
}

std::string join(const std::vector<std::string>& items, std::string_view none) {
    if (items.empty()) return std::string(none);
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

void add_unique(std::vector<std::string>& items, std::string_view item) {
    if (std::find(items.begin(), items.end(), item) == items.end()) items.emplace_back(item);
}

void replace_all(std::string& s, std::string_view key, std::string_view value) {
    for (auto at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size())) {
        s.replace(at, key.size(), value);
    }
}

std::string bp_text(int systolic, int diastolic) {
    return std::to_string(systolic) + "/" + std::to_string(diastolic);
}

std::string date_text(int day_offset) {
    using namespace std::chrono;
    const year_month_day d{sys_days{year{2023} / January / 1} + days{day_offset}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return buf;
}

struct Readings {
    int systolic;
    int diastolic;
    int sugar;
};

std::vector<const Condition*> draw_conditions(common::Rng& rng, int age) {
    std::vector<const Condition*> found;
    for (const auto& c : kConditions) {
        double chance = c.base_chance;
        if (age < c.min_age) {
            chance /= 5;
        } else {
            chance += c.chance_per_decade * (age - c.min_age) / 10.0;
        }
        if (rng.chance(std::min(chance, 0.85))) found.push_back(&c);
    }
    return found;
}

bool has(const std::vector<const Condition*>& cs, std::string_view name) {
    return std::any_of(cs.begin(), cs.end(), [&](const Condition* c) { return c->name == name; });
}

std::vector<std::string> draw_medications(common::Rng& rng,
                                          const std::vector<const Condition*>& cs) {
    std::vector<std::string> meds;
    for (const auto* c : cs) {
        if (c->name == "Obesity" && !rng.chance(0.3)) continue;  // often managed without drugs
        add_unique(meds, pick(rng, c->medications));
        if (c->medications.size() > 1 && rng.chance(0.25))
            add_unique(meds, pick(rng, c->medications));
    }
    return meds;
}

std::vector<std::string> draw_symptoms(common::Rng& rng, const std::vector<const Condition*>& cs) {
    std::vector<const Condition*> with_symptoms;
    for (const auto* c : cs) {
        if (!c->symptoms.empty()) with_symptoms.push_back(c);
    }
    const auto wanted = 1 + rng.below(4);
    std::vector<std::string> symptoms;
    for (int attempt = 0; attempt < 20 && symptoms.size() < wanted; ++attempt) {
        if (!with_symptoms.empty() && rng.chance(0.7)) {
            const auto* c = with_symptoms[rng.below(with_symptoms.size())];
            add_unique(symptoms, pick(rng, c->symptoms));
        } else {
            add_unique(symptoms, pick(rng, general_symptoms));
        }
    }
    return symptoms;
}

Readings draw_readings(common::Rng& rng, int age, const std::vector<const Condition*>& cs) {
    const bool hypertensive = has(cs, "Hypertension");
    const bool diabetic = has(cs, "Type 2 Diabetes");
    const double sys_noise = gauss(rng);
    const double dia_noise = gauss(rng);
    const double sugar_noise = gauss(rng);
    const double diabetic_noise = gauss(rng);
    Readings r{};
    r.systolic =
        clamp_round(112 + 0.3 * (age - 18) + (hypertensive ? 22 : 0) + 10 * sys_noise, 92, 205);
    r.diastolic = clamp_round(74 + (hypertensive ? 10 : 0) + 7 * dia_noise, 55, 125);
    r.diastolic = std::min(r.diastolic, r.systolic - 25);
    r.sugar =
        clamp_round(94 + 10 * sugar_noise + (diabetic ? 65 + 30 * diabetic_noise : 0), 65, 380);
    return r;
}

std::string draw_visits(common::Rng& rng, const Readings& now,
                        const std::vector<const Condition*>& cs,
                        const std::vector<std::string>& symptoms,
                        const std::vector<std::string>& meds) {
    const auto count = 1 + rng.below(4);
    std::vector<int> days;
    for (std::uint64_t i = 0; i < count; ++i) days.push_back(static_cast<int>(rng.below(912)));
    std::sort(days.begin(), days.end());
    for (std::size_t i = 1; i < days.size(); ++i) days[i] = std::max(days[i], days[i - 1] + 1);

    auto visits = nlohmann::ordered_json::array();
    for (const int day : days) {
        const double sys_noise = gauss(rng);
        const double dia_noise = gauss(rng);
        const double sugar_noise = gauss(rng);
        const int systolic = clamp_round(now.systolic + 8 * sys_noise, 90, 210);
        const int diastolic =
            std::min(clamp_round(now.diastolic + 5 * dia_noise, 50, 130), systolic - 25);
        const int sugar = clamp_round(now.sugar + 15 * sugar_noise, 60, 400);

        std::string_view reason = pick(rng, general_reasons);
        if (!cs.empty() && rng.chance(0.6)) reason = cs[rng.below(cs.size())]->visit_reason;

        const auto first = rng.below(std::size(note_templates));
        std::string notes(note_templates[first]);
        if (rng.chance(0.5)) {
            const auto second =
                (first + 1 + rng.below(std::size(note_templates) - 1)) % std::size(note_templates);
            notes += " ";
            notes += note_templates[second];
        }
        const auto a1c = 5 + rng.below(5);
        const auto a1c_tenths = rng.below(10);
        const auto ldl = 80 + rng.below(110);
        replace_all(notes, "{bp}", bp_text(systolic, diastolic));
        replace_all(notes, "{sugar}", std::to_string(sugar));
        replace_all(notes, "{symptom}", symptoms[rng.below(symptoms.size())]);
        replace_all(notes, "{med}", meds.empty() ? "current plan" : meds[rng.below(meds.size())]);
        replace_all(notes, "{a1c}", std::to_string(a1c) + "." + std::to_string(a1c_tenths));
        replace_all(notes, "{ldl}", std::to_string(ldl));

        nlohmann::ordered_json visit;
        visit["date"] = date_text(day);
        visit["reason"] = reason;
        visit["notes"] = notes;
        visit["bp"] = bp_text(systolic, diastolic);
        visit["sugar"] = sugar;
        visits.push_back(std::move(visit));
    }
    return visits.dump();
}

Patient draw_patient(common::Rng& rng, std::size_t number) {
    Patient p;
    p.patient_id = patient_id_for(number);

    const auto g = rng.below(100);
    p.gender = g < 49 ? "Male" : g < 98 ? "Female" : "Non-binary";
    const bool male_name = g < 49 || (g >= 98 && rng.chance(0.5));
    const auto first = male_name ? pick(rng, male_names) : pick(rng, female_names);
    const auto last = pick(rng, last_names);
    p.name = std::string(first) + " " + std::string(last);

    // Triangular over 18-90: more middle-aged patients than very young or very old.
    const auto a = rng.below(73);
    const auto b = rng.below(73);
    p.age = 18 + static_cast<int>((a + b) / 2);

    const auto cs = draw_conditions(rng, p.age);
    const auto meds = draw_medications(rng, cs);
    const auto symptoms = draw_symptoms(rng, cs);
    const auto now = draw_readings(rng, p.age, cs);

    std::vector<std::string> history;
    double base = 1.0 + 3.0 * (p.age - 18) / 72.0;
    for (const auto* c : cs) {
        history.emplace_back(c->name);
        base += c->score_weight;
    }
    p.current_symptoms = join(symptoms, "none reported");
    p.current_bp = bp_text(now.systolic, now.diastolic);
    p.current_sugar = now.sugar;
    p.base_score = score(base);
    p.risk_score =
        score(base + std::max(0, now.systolic - 130) / 15.0 +
              std::max(0, now.diastolic - 85) / 20.0 + std::max(0, now.sugar - 110) / 60.0);
    p.medical_history = join(history, "No significant history");
    p.current_medications = join(meds, "None");
    p.visit_history = draw_visits(rng, now, cs, symptoms, meds);
    return p;
}

}  // namespace

std::vector<Patient> generate_patients(std::size_t count, std::uint64_t seed) {
    common::Rng rng(seed);
    std::vector<Patient> patients;
    patients.reserve(count);
    for (std::size_t i = 1; i <= count; ++i) patients.push_back(draw_patient(rng, i));
    return patients;
}

}  // namespace core
