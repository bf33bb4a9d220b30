// generate_summary with save: the complete summary (never a partial stream) lands in
// patient_summaries.csv and survives a restart; the non-streaming upstream path gives the
// same text.
#include <gmock/gmock.h>

#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

class ServerPersistence : public ServerTest {};

TEST_F(ServerPersistence, SaveTruePersistsTheFinalSummaryAndSurvivesARestart) {
    start({"--ttft", "20", "--tps", "300", "--tokens", "40", "--profile", "hostile"});
    std::string summary;
    {
        auto c = connect();
        const auto r = c->tool("generate_summary", {{"patient_id", "10"}, {"save", true}}, 10s);
        ASSERT_TRUE(r.has_result()) << r.describe();
        ASSERT_FALSE(r.is_tool_error()) << r.describe();
        const json record = settled_record("10");
        summary = core::trim_summary(record.value("text", ""));
        ASSERT_FALSE(summary.empty());
        EXPECT_EQ(r.text(), core::generated_summary_text(patient("10"), summary));
        EXPECT_EQ(saved_summary("10"), summary) << "the CSV row is not the final summary";
        const auto got = c->tool("get_patient_summary", {{"patient_id", "10"}});
        EXPECT_EQ(got.text(),
                  "Patient ID: 10\nName: " + patient("10").name + "\n\nSummary:\n" + summary);
    }
    const auto rows_before = summaries_csv();
    ASSERT_NO_FATAL_FAILURE(restart_server());
    EXPECT_EQ(summaries_csv(), rows_before) << "the restart changed patient_summaries.csv";
    auto c = connect();
    const auto got = c->tool("get_patient_summary", {{"patient_id", "10"}});
    ASSERT_TRUE(got.has_result()) << got.describe();
    EXPECT_EQ(got.text(),
              "Patient ID: 10\nName: " + patient("10").name + "\n\nSummary:\n" + summary);
}

TEST_F(ServerPersistence, NonStreamingUpstreamGivesTheSameSummaryWithoutTokenFrames) {
    start({"--ttft", "20", "--tps", "300", "--tokens", "30"});
    std::string streamed_text;
    {
        auto c = connect();
        const auto r = c->tool("generate_summary", {{"patient_id", "11"}}, 10s);
        ASSERT_TRUE(r.has_result()) << r.describe();
        ASSERT_FALSE(r.is_tool_error()) << r.describe();
        EXPECT_FALSE(r.frames.empty()) << "no token frames on the streaming path";
        EXPECT_EQ(settled_record("11").value("stream", false), true);
        streamed_text = r.text();
    }
    ASSERT_NO_FATAL_FAILURE(restart_server({"--no-stream-upstream"}));
    auto c = connect();
    const auto r = c->tool("generate_summary", {{"patient_id", "11"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    ASSERT_FALSE(r.is_tool_error()) << r.describe();
    EXPECT_TRUE(r.frames.empty()) << r.frames.size() << " frames, first: " << r.frames[0].text;
    EXPECT_EQ(r.text(), streamed_text);
    const json record = settled_record("11");
    EXPECT_EQ(record.value("stream", true), false) << "the mock saw a streaming request";
    EXPECT_EQ(r.text(), expected_generated_text("11", record));
    EXPECT_EQ(saved_summary("11"), core::trim_summary(record.value("text", "")));
}

}  // namespace
}  // namespace server_test
