// search_patients_by_disease: relevance ranking (field weights, match quality, ties, top 5,
// case and accents) and the exact text the original clients parse.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/tools.hpp"

namespace {

core::Patient make(std::string id, std::string symptoms, std::string history = "None",
                   std::string medications = "None", std::string visits = "[]") {
    core::Patient p;
    p.patient_id = std::move(id);
    p.name = "Name " + p.patient_id;
    p.age = 40;
    p.gender = "Female";
    p.current_symptoms = std::move(symptoms);
    p.current_bp = "120/80";
    p.current_sugar = 95;
    p.medical_history = std::move(history);
    p.current_medications = std::move(medications);
    p.visit_history = std::move(visits);
    return p;
}

std::vector<std::string> ranked_ids(const core::PatientIndex& index, std::string_view keyword,
                                    std::size_t limit = core::search_limit) {
    std::vector<std::string> ids;
    for (const auto& hit : core::rank_patients(index, keyword, limit)) {
        ids.push_back(hit.patient->patient_id);
    }
    return ids;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}

using ::testing::ElementsAre;

}  // namespace

TEST(SearchRanking, SymptomMatchOutranksHistoryMatch) {
    const core::PatientIndex index({make("P001", "cough", "Asthma"), make("P002", "asthma")});
    EXPECT_THAT(ranked_ids(index, "asthma"), ElementsAre("P002", "P001"));
}

TEST(SearchRanking, FieldsWeighSymptomsThenHistoryThenMedicationsThenVisits) {
    const core::PatientIndex index({
        make("P001", "none", "None", "None", R"([{"reason":"Asthma review","notes":"ok"}])"),
        make("P002", "none", "None", "Asthma inhaler"),
        make("P003", "none", "Asthma"),
        make("P004", "asthma"),
    });
    EXPECT_THAT(ranked_ids(index, "asthma"), ElementsAre("P004", "P003", "P002", "P001"));
}

TEST(SearchRanking, OneFieldOutranksAllLighterFieldsCombined) {
    const core::PatientIndex index({
        make("P001", "none", "Asthma", "Asthma inhaler", R"([{"reason":"Asthma review"}])"),
        make("P002", "asthma"),
    });
    const auto hits = core::rank_patients(index, "asthma");
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].patient->patient_id, "P002");
    EXPECT_EQ(hits[0].score, 8 * 3);
    EXPECT_EQ(hits[1].score, (4 + 2 + 1) * 3);
}

TEST(SearchRanking, MatchesInMoreFieldsRankHigher) {
    const core::PatientIndex index({make("P001", "fatigue"), make("P002", "fatigue", "Fatigue")});
    EXPECT_THAT(ranked_ids(index, "fatigue"), ElementsAre("P002", "P001"));
}

TEST(SearchRanking, WholeWordOutranksWordStartOutranksInsideAWord) {
    const core::PatientIndex index({
        make("P001", "fell in spain"),   // "pain" inside a word
        make("P002", "painful joints"),  // at the start of a word
        make("P003", "back pain"),       // a whole word
    });
    const auto hits = core::rank_patients(index, "pain");
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].patient->patient_id, "P003");
    EXPECT_EQ(hits[0].score, 8 * 3);
    EXPECT_EQ(hits[1].patient->patient_id, "P002");
    EXPECT_EQ(hits[1].score, 8 * 2);
    EXPECT_EQ(hits[2].patient->patient_id, "P001");
    EXPECT_EQ(hits[2].score, 8 * 1);
}

TEST(SearchRanking, TheBestOccurrenceInAFieldCounts) {
    const core::PatientIndex index({make("P001", "headache, ache in knees")});
    EXPECT_EQ(core::rank_patients(index, "ache")[0].score, 8 * 3);
}

TEST(SearchRanking, PhrasesMatchAsAWholeWithWhiteSpaceCollapsed) {
    const core::PatientIndex index({make("P001", "pain in chest"), make("P002", "chest pain")});
    EXPECT_THAT(ranked_ids(index, "chest pain"), ElementsAre("P002"));
    EXPECT_THAT(ranked_ids(index, "  Chest \t  PAIN\n"), ElementsAre("P002"));
}

TEST(SearchRanking, TiesGoByPatientIdAscendingWithNumbersComparedAsNumbers) {
    const core::PatientIndex index({make("P010", "cough"), make("P1000", "cough"),
                                    make("P2", "cough"), make("P001", "cough")});
    EXPECT_THAT(ranked_ids(index, "cough"), ElementsAre("P001", "P2", "P010", "P1000"));
    // Generated ids are plain numbers: 2 before 10 before 100, not text order.
    const core::PatientIndex generated(
        {make("10", "cough"), make("100", "cough"), make("2", "cough"), make("1", "cough")});
    EXPECT_THAT(ranked_ids(generated, "cough"), ElementsAre("1", "2", "10", "100"));
}

TEST(SearchRanking, KeepsTheTopFive) {
    std::vector<core::Patient> patients;
    for (int i = 9; i >= 1; --i) patients.push_back(make(core::patient_id_for(i), "cough"));
    patients.push_back(make("10", "none", "Chronic cough"));
    patients.push_back(make("11", "headache"));
    const core::PatientIndex index(patients);
    EXPECT_THAT(ranked_ids(index, "cough"), ElementsAre("1", "2", "3", "4", "5"));
    EXPECT_EQ(core::rank_patients(index, "cough", 100).size(), 10u);
    EXPECT_THAT(ranked_ids(index, "cough", 1), ElementsAre("1"));
}

TEST(SearchRanking, IgnoresCase) {
    const core::PatientIndex index({make("P001", "Shortness Of Breath")});
    EXPECT_THAT(ranked_ids(index, "SHORTNESS of breath"), ElementsAre("P001"));
}

TEST(SearchRanking, FoldsLatinAccentsOnBothSides) {
    const core::PatientIndex index({
        make("P001", "none", "Ménière's disease"),
        make("P002", "none", "Type 2 Diabetes"),
        make("P003", "none", "Łuszczyca (psoriasis), Ørsted-Æble syndrome, Straße"),
    });
    EXPECT_THAT(ranked_ids(index, "meniere"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "MÉNIÈRE"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "DIABÈTES"), ElementsAre("P002"));
    EXPECT_THAT(ranked_ids(index, "luszczyca"), ElementsAre("P003"));
    EXPECT_THAT(ranked_ids(index, "orsted-aeble"), ElementsAre("P003"));
    EXPECT_THAT(ranked_ids(index, "strasse"), ElementsAre("P003"));
}

TEST(SearchRanking, SearchesMedicationsAndVisitReasonsAndNotesButNotVisitKeys) {
    const std::string visits =
        R"([{"date":"2024-01-02","reason":"Lipid panel review","notes":"ECG: normal.",)"
        R"("bp":"120/80","sugar":99}])";
    const core::PatientIndex index({make("P001", "none", "None", "Metformin 500mg", visits)});
    EXPECT_THAT(ranked_ids(index, "metformin"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "lipid panel"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "ecg"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "sugar"), ElementsAre());
    EXPECT_THAT(ranked_ids(index, "notes"), ElementsAre());
    EXPECT_THAT(ranked_ids(index, "2024"), ElementsAre());
}

TEST(SearchRanking, MalformedVisitHistoryIsSkipped) {
    const core::PatientIndex index({make("P001", "cough", "None", "None", "not json")});
    EXPECT_THAT(ranked_ids(index, "cough"), ElementsAre("P001"));
    EXPECT_THAT(ranked_ids(index, "json"), ElementsAre());
}

TEST(SearchRanking, KeywordsWithoutLettersOrDigitsMatchNothing) {
    const core::PatientIndex index({make("P001", "chest pain, fatigue")});
    for (const char* keyword : {"", " ", "\t\n", ",", ", ", "-"}) {
        EXPECT_THAT(ranked_ids(index, keyword), ElementsAre()) << "'" << keyword << "'";
    }
}

// --- the text ---------------------------------------------------------------------------------

TEST(SearchText, ExactLinesWithFortyCodePointsOfSymptoms) {
    auto a = make("P001", "chest pain, fatigue");
    a.name = "Zoë Ødegaard";
    a.age = 61;
    // 50 code points, 53 bytes: the cut counts characters, not bytes.
    auto b = make("P002", "fatigue, vértigo, náusea, cefalea, pérdida de peso");
    b.name = "Łukasz Dvořák";
    b.age = 7;
    const core::PatientIndex index({a, b});
    EXPECT_EQ(core::search_patients(index, "Fatigue"),
              "Found 2 patients matching 'Fatigue':\n\n"
              "1. ID: P001 | Name: Zoë Ødegaard | Age: 61 | Symptoms: chest pain, fatigue\n"
              "2. ID: P002 | Name: Łukasz Dvořák | Age: 7 | Symptoms: fatigue, vértigo, náusea, "
              "cefalea, pérdi");
}

TEST(SearchText, OneHitStillSaysPatients) {
    const core::PatientIndex index({make("P001", "cough")});
    EXPECT_EQ(core::search_patients(index, "cough"),
              "Found 1 patients matching 'cough':\n\n"
              "1. ID: P001 | Name: Name P001 | Age: 40 | Symptoms: cough");
}

TEST(SearchText, NoMatchEchoesTheKeywordAsGiven) {
    const core::PatientIndex index({make("P001", "cough")});
    EXPECT_EQ(core::search_patients(index, "Gout"),
              "No patients found matching 'Gout'. Try another symptom or condition.");
    EXPECT_EQ(core::search_patients(index, ""),
              "No patients found matching ''. Try another symptom or condition.");
    EXPECT_EQ(core::search_patients(index, "  "),
              "No patients found matching '  '. Try another symptom or condition.");
}

TEST(SearchText, ListsAtMostFive) {
    std::vector<core::Patient> patients;
    for (int i = 1; i <= 7; ++i) patients.push_back(make(core::patient_id_for(i), "cough"));
    const auto text = core::search_patients(core::PatientIndex(patients), "cough");
    EXPECT_THAT(text, ::testing::StartsWith("Found 5 patients matching 'cough':\n\n1. ID: 1 |"));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 4);
    EXPECT_THAT(text, ::testing::HasSubstr("\n5. ID: 5 |"));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("ID: 6 ")));
}

// --- over the generated data set --------------------------------------------------------------

TEST(SearchGenerated, DeterministicAndConsistentOverTheDefaultDataSet) {
    const core::PatientIndex first(core::generate_patients(100, 42));
    const core::PatientIndex second(core::generate_patients(100, 42));
    for (const char* keyword : {"fatigue", "Hypertension", "chest pain", "inhaler", "ECG",
                                "diabetes", "headache", "zzz-nothing"}) {
        SCOPED_TRACE(keyword);
        EXPECT_EQ(core::search_patients(first, keyword), core::search_patients(second, keyword));

        const auto all = core::rank_patients(first, keyword, first.size());
        const auto top = core::rank_patients(first, keyword);
        ASSERT_EQ(top.size(), std::min<std::size_t>(5, all.size()));
        EXPECT_TRUE(
            std::equal(top.begin(), top.end(), all.begin(),
                       [](const auto& x, const auto& y) { return x.patient == y.patient; }));
        for (std::size_t i = 1; i < all.size(); ++i) {
            EXPECT_GE(all[i - 1].score, all[i].score);
            if (all[i - 1].score == all[i].score) {
                // Generated ids are numbers: ties go 9 before 10.
                EXPECT_LT(std::stoul(all[i - 1].patient->patient_id),
                          std::stoul(all[i].patient->patient_id));
            }
        }
        const auto key = lower(keyword);
        for (const auto& hit : all) {
            const auto& p = *hit.patient;
            const auto haystack = lower(p.current_symptoms + "|" + p.medical_history + "|" +
                                        p.current_medications + "|" + p.visit_history);
            EXPECT_NE(haystack.find(key), std::string::npos) << p.patient_id;
        }
    }
}

TEST(SearchGenerated, CommonSymptomFillsTheTopFiveFromSymptoms) {
    const core::PatientIndex index(core::generate_patients(100, 42));
    const auto hits = core::rank_patients(index, "fatigue");
    ASSERT_EQ(hits.size(), 5u);
    for (const auto& hit : hits) {
        EXPECT_THAT(hit.patient->current_symptoms, ::testing::HasSubstr("fatigue"));
        EXPECT_GE(hit.score, 8 * 3);
    }
    const auto text = core::search_patients(index, "fatigue");
    const std::string head = "Found 5 patients matching 'fatigue':\n\n1. ID: ";
    EXPECT_THAT(text, ::testing::StartsWith(head));
    EXPECT_NE(std::string("123456789").find(text.at(head.size())), std::string::npos) << text;
}
