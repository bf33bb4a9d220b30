// A user's own patients_data.csv keeps its ids: generated patients are numbered 1...N, but a
// folder that already has data is served with whatever unique strings it uses ("P001",
// "mrn-4471", "0042"), matched as text, never renumbered.
#include <gmock/gmock.h>

#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kOwnIds = {"P001", "P002", "mrn-4471", "0042", "P010"};

class ServerOwnIds : public ServerTest {
  protected:
    void SetUp() override {
        auto patients = core::generate_patients(kOwnIds.size(), 7);
        for (std::size_t i = 0; i < patients.size(); ++i) patients[i].patient_id = kOwnIds[i];
        core::save_patients_csv(data_dir() / "patients_data.csv", patients);
        start();
    }
};

TEST_F(ServerOwnIds, ServesTheFilesIdsAsWritten) {
    auto c = connect();
    for (const auto& id : kOwnIds) {
        const auto got = c->tool("get_patient_summary", {{"patient_id", id}});
        ASSERT_TRUE(got.has_result()) << got.describe();
        EXPECT_FALSE(got.is_tool_error()) << id << ": " << got.describe();
        EXPECT_EQ(got.text(),
                  "Patient ID: " + id + "\nName: " + patient(id).name +
                      "\n\nStatus: No summary yet. Use generate_summary to create one.");
    }
    // Text, not numbers: the generated scheme's ids and other spellings are not these patients.
    for (const char* other : {"1", "42", "042", "p001", "P1"}) {
        const auto r = c->tool("get_patient_summary", {{"patient_id", other}});
        ASSERT_TRUE(r.has_result()) << r.describe();
        EXPECT_TRUE(r.is_tool_error()) << other << " found: " << r.describe();
        EXPECT_THAT(r.text(), HasSubstr(other));
    }
}

TEST_F(ServerOwnIds, GeneratesUpdatesAndSavesUnderThoseIds) {
    auto c = connect();
    const auto r = c->tool("generate_summary", {{"patient_id", "mrn-4471"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    ASSERT_FALSE(r.is_tool_error()) << r.describe();
    const auto summary = core::trim_summary(settled_record("mrn-4471").value("text", ""));
    EXPECT_EQ(r.text(), core::generated_summary_text(patient("mrn-4471"), summary));
    EXPECT_EQ(saved_summary("mrn-4471"), summary);

    const auto u = c->tool("update_patient_summary", {{"patient_id", "0042"}, {"summary", "ok"}});
    ASSERT_TRUE(u.has_result()) << u.describe();
    EXPECT_FALSE(u.is_tool_error()) << u.describe();
    EXPECT_EQ(saved_summary("0042"), "ok");
    EXPECT_EQ(saved_summary("42"), std::nullopt) << "a row under another spelling";
}

TEST_F(ServerOwnIds, SearchListsThemAsWritten) {
    auto c = connect();
    // A patient matches its own first symptom.
    const std::string symptom =
        patient("P010").current_symptoms.substr(0, patient("P010").current_symptoms.find(','));
    const auto r = c->tool("search_patients_by_disease", {{"disease_keyword", symptom}});
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_THAT(r.text(), HasSubstr(". ID: P010 | Name: " + patient("P010").name + " |"));
}

}  // namespace
}  // namespace server_test
