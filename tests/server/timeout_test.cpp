// The upstream inactivity timeout (120 s, here scaled to 1.2 s): a stalled stream becomes a
// tool error no earlier than the timeout after the last token and not much later; a shorter
// stall completes.
#include <gmock/gmock.h>

#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

class ServerUpstreamTimeout : public ServerTest {
  protected:
    // --ollama-timeout 120 at --time-scale 0.01: 1.2 s without a byte fails the call.
    void SetUp() override { start(kFastMock, {"--ollama-timeout", "120", "--time-scale", "0.01"}); }
};

TEST_F(ServerUpstreamTimeout, StallForeverFailsAfterTheTimeoutAndSavesNothing) {
    auto c = connect();
    fault_once("61", "stall:after=3");
    const auto r = c->tool("generate_summary", {{"patient_id", "61"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_TRUE(r.is_tool_error()) << r.describe();
    EXPECT_THAT(r.text(), HasSubstr("sent nothing for 1.2 s")) << r.text();
    EXPECT_EQ(r.text().find('\n'), std::string::npos) << r.text();
    const auto tokens = token_frames(r.frames, StreamForm::legacy, r.json()["id"]);
    ASSERT_EQ(tokens.size(), 3u) << "tokens before the stall";
    const auto after_last =
        std::chrono::duration_cast<std::chrono::milliseconds>(r.response.at - tokens.back().at);
    // The server's clock starts when it read the last token, a little before the client did.
    EXPECT_GE(after_last.count(), 1200 - 50) << "timed out too early";
    EXPECT_LE(after_last.count(), 1200 + 1000) << "timed out too late";
    EXPECT_EQ(saved_summary("61"), "");
    const json record = settled_record("61");
    EXPECT_EQ(record.value("outcome", ""), "client_closed") << "upstream request not abandoned";
    EXPECT_TRUE(c->call("ping").has_result()) << "the connection no longer answers";
}

TEST_F(ServerUpstreamTimeout, StallShorterThanTheTimeoutCompletes) {
    auto c = connect();
    fault_once("62", "stall:after=3,ms=600");
    const auto r = c->tool("generate_summary", {{"patient_id", "62"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    ASSERT_FALSE(r.is_tool_error()) << r.describe();
    const json record = settled_record("62");
    const json key = r.json()["id"];
    EXPECT_TRUE(stream_matches(token_frames(r.frames, StreamForm::legacy, key), StreamForm::legacy,
                               key, record));
    EXPECT_EQ(r.text(), expected_generated_text("62", record));
    EXPECT_FALSE(saved_summary("62").value_or("").empty());
}

}  // namespace
}  // namespace server_test
