// Upstream faults, each injected by a mock rule matching one patient's name: every one comes
// back as a tool result with isError and a specific one-line cause, nothing is saved, and
// the next call on the same connection works.
#include <gmock/gmock.h>

#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

struct FaultCase {
    std::string fault;     // mock fault spec
    std::string patient;   // whose prompt triggers it
    std::string expected;  // a substring that identifies the cause
};

class ServerUpstreamFaults : public ServerTest {
  protected:
    void SetUp() override { start(); }
};

TEST_F(ServerUpstreamFaults, EachFaultIsAClearToolErrorAndNothingIsSaved) {
    const std::vector<FaultCase> cases = {
        {"http_500", "50", "HTTP 500"},
        {"http_429", "51", "HTTP 429"},
        {"error_line:after=3,message=GPU melted", "52", "error after 3 tokens: GPU melted"},
        {"malformed:after=3", "53", "malformed line after 3 tokens"},
        {"close:after=3", "54", "closed the stream before it was done (after 3 tokens)"},
        {"reset:after=3", "55", "connection failed after 3 tokens"},
        {"cut:bytes=700", "56", "ended in the middle of a line"},
        {"garbage", "57", "not HTTP"},
        {"empty", "58", "sent an empty response"},
    };
    auto c = connect();
    const auto rows_before = summaries_csv();
    for (const auto& fc : cases) {
        SCOPED_TRACE(fc.fault + " for " + fc.patient);
        fault_once(fc.patient, fc.fault);
        const auto r =
            c->tool("generate_summary", {{"patient_id", fc.patient}, {"save", true}}, 10s);
        ASSERT_TRUE(r.has_result()) << r.describe();
        EXPECT_TRUE(r.is_tool_error()) << r.describe();
        EXPECT_THAT(r.text(), HasSubstr(fc.expected)) << r.describe();
        EXPECT_EQ(r.text().find('\n'), std::string::npos) << "not one line: " << r.text();
        EXPECT_THAT(r.text(), HasSubstr("Ollama")) << r.text();
        const json record = settled_record(fc.patient);
        EXPECT_FALSE(record.value("fault", "").empty()) << "the fault did not fire: " << record;
        EXPECT_EQ(saved_summary(fc.patient), "") << "saved after " << fc.fault;

        // The rule fired once; the next call for the same patient works.
        const auto next = c->tool("generate_summary", {{"patient_id", fc.patient}}, 10s);
        ASSERT_TRUE(next.has_result()) << next.describe();
        EXPECT_FALSE(next.is_tool_error()) << next.describe();
        EXPECT_EQ(next.text(), expected_generated_text(fc.patient, settled_record(fc.patient)));
    }
    EXPECT_EQ(summaries_csv(), rows_before);
}

TEST_F(ServerUpstreamFaults, UnknownModelIsAClearToolError) {
    ASSERT_NO_FATAL_FAILURE(restart_server({"--model", "nope"}));
    auto c = connect();
    const auto r = c->tool("generate_summary", {{"patient_id", "59"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_TRUE(r.is_tool_error()) << r.describe();
    EXPECT_THAT(r.text(), HasSubstr("HTTP 404")) << r.text();
    EXPECT_THAT(r.text(), HasSubstr("model 'nope' not found")) << r.text();
    EXPECT_EQ(r.text().find('\n'), std::string::npos) << r.text();
    EXPECT_EQ(saved_summary("59"), "");
    const auto search = c->tool("search_patients_by_disease", {{"disease_keyword", "pain"}});
    EXPECT_TRUE(search.has_result() && !search.is_tool_error()) << search.describe();
}

TEST_F(ServerUpstreamFaults, UnreachableOllamaIsAClearToolError) {
    const auto port = test_support::closed_port();
    ASSERT_NO_FATAL_FAILURE(
        restart_server({"--ollama-url", "http://127.0.0.1:" + std::to_string(port)}));
    auto c = connect();
    const auto started = Clock::now();
    const auto r = c->tool("generate_summary", {{"patient_id", "60"}, {"save", true}}, 15s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_TRUE(r.is_tool_error()) << r.describe();
    EXPECT_THAT(r.text(), HasSubstr("unreachable")) << r.text();
    EXPECT_THAT(r.text(), HasSubstr(std::to_string(port))) << r.text();
    EXPECT_EQ(r.text().find('\n'), std::string::npos) << r.text();
    EXPECT_LT(Clock::now() - started, 5s) << "a refused connection should fail fast";
    EXPECT_EQ(saved_summary("60"), "");
    EXPECT_TRUE(c->call("ping").has_result());
}

}  // namespace
}  // namespace server_test
