#include "core/patients.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/rng.hpp"
#include "temp_dir.hpp"

namespace {

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> items;
    std::size_t start = 0;
    for (;;) {
        const auto comma = s.find(", ", start);
        items.push_back(s.substr(start, comma - start));
        if (comma == std::string::npos) return items;
        start = comma + 2;
    }
}

// "142/91" -> {142, 91}; {0, 0} when malformed.
std::pair<int, int> parse_bp(const std::string& bp) {
    const auto slash = bp.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == bp.size()) return {0, 0};
    if (bp.find_first_not_of("0123456789/") != std::string::npos) return {0, 0};
    return {std::stoi(bp.substr(0, slash)), std::stoi(bp.substr(slash + 1))};
}

}  // namespace

// The original tutorial's patients_data.csv numbers its patients 1...N, and its clients ask
// for them so (its test_streaming.py asks for "25").
TEST(PatientIds, PlainDecimalAsTheOriginalData) {
    EXPECT_EQ(core::patient_id_for(1), "1");
    EXPECT_EQ(core::patient_id_for(25), "25");
    EXPECT_EQ(core::patient_id_for(100), "100");
    EXPECT_EQ(core::patient_id_for(1000), "1000");
}

TEST(GeneratePatients, HundredByDefaultWithUniqueSequentialIds) {
    const auto patients = core::generate_patients();
    ASSERT_EQ(patients.size(), 100u);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < patients.size(); ++i) {
        EXPECT_EQ(patients[i].patient_id, core::patient_id_for(i + 1));
        ids.insert(patients[i].patient_id);
    }
    EXPECT_EQ(ids.size(), 100u);
}

TEST(GeneratePatients, SameSeedSameBytesOtherSeedDiffers) {
    const auto a = core::patients_to_csv(core::generate_patients(100, 42));
    const auto b = core::patients_to_csv(core::generate_patients(100, 42));
    const auto c = core::patients_to_csv(core::generate_patients(100, 43));
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    // Pinned so that a platform-dependent draw shows up as a failure here, not as a harness
    // scenario that passes on one machine only. Change deliberately with the generator.
    EXPECT_EQ(common::fnv1a64(a), 0x5a0199655cc69656ULL) << std::hex << common::fnv1a64(a);
}

TEST(GeneratePatients, FieldsAreRealistic) {
    const auto patients = core::generate_patients(300, 42);
    std::set<std::string> genders;
    bool non_ascii_name = false;
    bool quote_in_notes = false;
    std::vector<int> diabetic_sugar;
    std::vector<int> other_sugar;
    for (const auto& p : patients) {
        SCOPED_TRACE(p.patient_id);
        EXPECT_GE(p.age, 18);
        EXPECT_LE(p.age, 90);
        genders.insert(p.gender);
        non_ascii_name |= std::any_of(p.name.begin(), p.name.end(),
                                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        const auto symptoms = split_list(p.current_symptoms);
        EXPECT_GE(symptoms.size(), 1u);
        EXPECT_LE(symptoms.size(), 4u);
        const auto [systolic, diastolic] = parse_bp(p.current_bp);
        EXPECT_GE(systolic, 90) << p.current_bp;
        EXPECT_LE(systolic, 210) << p.current_bp;
        EXPECT_GE(diastolic, 50) << p.current_bp;
        EXPECT_LT(diastolic, systolic) << p.current_bp;
        EXPECT_GE(p.current_sugar, 60);
        EXPECT_LE(p.current_sugar, 400);
        EXPECT_GE(p.base_score, 0.0);
        EXPECT_LE(p.risk_score, 10.0);
        EXPECT_GE(p.risk_score, p.base_score);
        EXPECT_FALSE(p.medical_history.empty());
        EXPECT_FALSE(p.current_medications.empty());
        const bool diabetic = p.medical_history.find("Type 2 Diabetes") != std::string::npos;
        (diabetic ? diabetic_sugar : other_sugar).push_back(p.current_sugar);

        const auto visits = nlohmann::ordered_json::parse(p.visit_history);
        ASSERT_TRUE(visits.is_array());
        EXPECT_GE(visits.size(), 1u);
        EXPECT_LE(visits.size(), 4u);
        std::string previous_date;
        for (const auto& v : visits) {
            std::vector<std::string> keys;
            for (const auto& [key, value] : v.items()) keys.push_back(key);
            EXPECT_EQ(keys, (std::vector<std::string>{"date", "reason", "notes", "bp", "sugar"}));
            const auto date = v["date"].get<std::string>();
            EXPECT_EQ(date.size(), 10u);
            EXPECT_GT(date, previous_date);  // distinct and in order
            previous_date = date;
            EXPECT_NE(parse_bp(v["bp"].get<std::string>()).first, 0);
            EXPECT_TRUE(v["sugar"].is_number_integer());
            quote_in_notes |= v["notes"].get<std::string>().find('"') != std::string::npos;
        }
    }
    EXPECT_EQ(genders, (std::set<std::string>{"Female", "Male", "Non-binary"}));
    EXPECT_TRUE(non_ascii_name);
    EXPECT_TRUE(quote_in_notes);
    // History drives readings: diabetics' sugar is clearly higher on average.
    const auto mean = [](const std::vector<int>& v) {
        double sum = 0;
        for (const int x : v) sum += x;
        return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
    };
    ASSERT_FALSE(diabetic_sugar.empty());
    EXPECT_GT(mean(diabetic_sugar), mean(other_sugar) + 30);
}

TEST(PatientsCsv, HeaderIsTheOriginalColumns) {
    const auto text = core::patients_to_csv({});
    EXPECT_EQ(text,
              "patient_id,name,age,gender,current_symptoms,current_bp,current_sugar,base_score,"
              "risk_score,medical_history,current_medications,visit_history\r\n");
}

TEST(PatientsCsv, RoundTripsExactly) {
    const auto patients = core::generate_patients(100, 42);
    const auto text = core::patients_to_csv(patients);
    const auto parsed = core::parse_patients_csv(text, "patients_data.csv");
    EXPECT_EQ(parsed, patients);
    EXPECT_EQ(core::patients_to_csv(parsed), text);
}

TEST(PatientsCsv, SaveThenLoad) {
    core_test::TempDir dir;
    const auto file = dir / "patients_data.csv";
    const auto patients = core::generate_patients(25, 9);
    core::save_patients_csv(file, patients);
    EXPECT_EQ(core::load_patients_csv(file), patients);
    EXPECT_EQ(core_test::read_file(file), core::patients_to_csv(patients));
    EXPECT_EQ(dir.temp_files(), "");
}

TEST(PatientsCsv, ScoresKeepADecimalPoint) {
    auto patients = core::generate_patients(1, 1);
    patients[0].base_score = 7.0;
    patients[0].risk_score = 8.25;
    const auto text = core::patients_to_csv(patients);
    EXPECT_NE(text.find(",7.0,8.25,"), std::string::npos) << text;
    EXPECT_EQ(core::parse_patients_csv(text, "p.csv"), patients);
}

TEST(PatientIndex, FindsByIdAndKeepsOrder) {
    const core::PatientIndex index(core::generate_patients(10, 42));
    ASSERT_NE(index.find("7"), nullptr);
    EXPECT_EQ(index.find("7")->patient_id, "7");
    EXPECT_EQ(index.find("11"), nullptr);
    EXPECT_EQ(index.find("07"), nullptr);  // ids are text: no numeric matching
    EXPECT_EQ(index.find(""), nullptr);
    EXPECT_EQ(index.size(), 10u);
    EXPECT_EQ(index.all().front().patient_id, "1");
}

TEST(PatientIndex, RejectsDuplicateIds) {
    auto patients = core::generate_patients(3, 42);
    patients[2].patient_id = "1";
    EXPECT_THROW(core::PatientIndex{patients}, std::invalid_argument);
}
