// Graceful shutdown on SIGTERM: a call in flight completes (or, past the grace period, is
// cancelled), connections close with 1001, the process exits 0 in time, and
// patient_summaries.csv is intact.
#include <gmock/gmock.h>

#include <csignal>

#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

class ServerShutdown : public ServerTest {
  protected:
    // Receives until `n` tokens arrived (or fails).
    static void await_tokens(McpClient& c, std::size_t n, std::vector<Frame>& frames) {
        std::size_t seen = 0;
        const auto deadline = Clock::now() + 5s;
        while (seen < n && Clock::now() < deadline) {
            auto f = c.recv(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
            if (!f) break;
            ASSERT_TRUE(f->is_message()) << f->describe();
            if (f->is_token()) ++seen;
            frames.push_back(std::move(*f));
        }
        ASSERT_EQ(seen, n) << "tokens before the signal";
    }

    void expect_csv_intact(const std::string& saved_id, const std::string& saved) {
        const auto rows = summaries_csv();
        ASSERT_EQ(rows.size(), 101u) << "header + 100 rows";
        EXPECT_EQ(rows[0], (std::vector<std::string>{"patient_id", "name", "summary"}));
        for (std::size_t n = 1; n < rows.size(); ++n) {
            const std::string id = core::patient_id_for(n);
            ASSERT_EQ(rows[n].size(), 3u) << id;
            EXPECT_EQ(rows[n][0], id);
            EXPECT_EQ(rows[n][1], patient(id).name);
            EXPECT_EQ(rows[n][2], id == saved_id ? saved : "") << id;
        }
        for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
            EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos)
                << "temporary file left behind: " << entry.path();
        }
    }
};

TEST_F(ServerShutdown, SigtermLetsTheCallInFlightFinishThenExitsZero) {
    // Grace period 10 s x 0.2 = 2 s; the generation takes about 0.8 s.
    start({"--ttft", "20", "--tps", "20", "--tokens", "16"}, {"--time-scale", "0.2"});
    auto c = connect();
    ASSERT_TRUE(c->start_call(
        1, "tools/call",
        McpClient::tool_params("generate_summary", {{"patient_id", "80"}, {"save", true}})));
    std::vector<Frame> frames;
    await_tokens(*c, 2, frames);
    const auto signalled = Clock::now();
    server().signal(SIGTERM);

    // New connections are refused from now on; the call in flight still completes.
    bool responded = false;
    std::string response_text;
    Frame end;
    for (;;) {
        auto f = c->recv(5s);
        ASSERT_TRUE(f.has_value()) << "nothing within 5 s after SIGTERM";
        if (f->is_response_to(1)) {
            responded = true;
            response_text = f->json["result"]["content"][0].value("text", "");
            EXPECT_FALSE(f->json["result"].value("isError", false)) << f->text;
            continue;
        }
        if (!f->is_message()) {
            end = *f;
            break;
        }
        frames.push_back(std::move(*f));
    }
    EXPECT_TRUE(responded) << "the call in flight got no response before " << end.describe();
    EXPECT_EQ(end.kind, Frame::Kind::closed) << end.describe();
    EXPECT_EQ(end.close_code, 1001) << end.describe();
    EXPECT_THAT(end.close_reason, HasSubstr("shutting down")) << end.describe();

    const int status = server().wait_exit(2s + 3s);
    EXPECT_EQ(status, 0) << "exit status after SIGTERM (-1: still running)";
    EXPECT_LT(Clock::now() - signalled, 2s + 3s);

    const json record = settled_record("80");
    EXPECT_EQ(record.value("outcome", ""), "completed");
    const std::string summary = core::trim_summary(record.value("text", ""));
    if (responded) {
        EXPECT_EQ(response_text, expected_generated_text("80", record));
    }
    expect_csv_intact("80", summary);
}

TEST_F(ServerShutdown, SigtermCancelsACallStillRunningAfterTheGracePeriod) {
    // Grace period 10 s x 0.05 = 0.5 s; the generation would take 5 s.
    start({"--ttft", "20", "--tps", "20", "--tokens", "100"}, {"--time-scale", "0.05"});
    auto c = connect();
    ASSERT_TRUE(c->start_call(
        1, "tools/call",
        McpClient::tool_params("generate_summary", {{"patient_id", "81"}, {"save", true}})));
    std::vector<Frame> frames;
    await_tokens(*c, 1, frames);
    const auto signalled = Clock::now();
    server().signal(SIGTERM);
    const auto rest = c->drain(5s);
    ASSERT_FALSE(rest.empty());
    const Frame& end = rest.back();
    EXPECT_EQ(end.kind, Frame::Kind::closed) << end.describe();
    EXPECT_EQ(end.close_code, 1001) << end.describe();
    for (const auto& f : rest) EXPECT_FALSE(f.is_response_to(1)) << "completed? " << f.text;
    const auto closed_after = end.at - signalled;
    EXPECT_GE(closed_after, 450ms) << "closed before the grace period was over";

    const int status = server().wait_exit(3500ms);
    EXPECT_EQ(status, 0) << "exit status after SIGTERM (-1: still running)";
    EXPECT_LT(Clock::now() - signalled, 0.5s + 3s);
    const json record = settled_record("81");
    EXPECT_EQ(record.value("outcome", ""), "client_closed") << "upstream not cancelled";
    expect_csv_intact("81", "");
}

}  // namespace
}  // namespace server_test
