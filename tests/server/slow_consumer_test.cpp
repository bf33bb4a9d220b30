// A client that stops reading while a long, fast generation streams to it is dropped with
// 1008 once its queue passes --queue-limit; its upstream call is cancelled, the server's
// memory stays bounded, other clients are not affected, and a dropped client that never
// reads again does not hold its connection forever.
#include <gmock/gmock.h>

#include <iostream>
#include <thread>

#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

// About 80 MB of token frames, as fast as the mock can: more than the loopback socket buffers
// hold (rmem autotunes up to 32 MiB, wmem 4 MiB), so the mock cannot finish the flood before
// the server's cancel reaches it, however late a loaded machine runs the server (200,000
// tokens, 16 MB, once could: the mock wrote them all into the buffers first).
constexpr int kFloodTokens = 1000000;

class ServerSlowConsumer : public ServerTest {
  protected:
    void SetUp() override {
        start(kFastMock,
              {"--queue-limit", "65536", "--ping-interval", "0.25", "--pong-timeout", "3"});
    }

    static json flood_rule(const std::string& match) {
        return {{"match", match}, {"tokens", kFloodTokens}, {"tps", 1e7}, {"ttft_ms", 0}};
    }

    // The prefix of the server's log lines about `client`.
    static std::string peer(const McpClient& client) {
        return "127.0.0.1:" + std::to_string(client.local_port()) + ": ";
    }
};

TEST_F(ServerSlowConsumer, NonReadingClientIsClosedWith1008AndOthersAreUnaffected) {
    mock().set_rules(json::array({flood_rule(name_match("70")), flood_rule(name_match("69"))}));
    {
        auto warm = connect();
        ASSERT_TRUE(warm->tool("generate_summary", {{"patient_id", "71"}}, 10s).has_result());
    }
    const auto rss_before = server().rss_kib();
    ASSERT_TRUE(rss_before.has_value());

    // Small receive windows, so that the kernel does not absorb the flood for them. `slow`
    // reads again once dropped; `stuck` never does.
    auto slow = connect({.receive_buffer = 4096});
    auto stuck = connect({.receive_buffer = 4096});
    ASSERT_TRUE(slow->start_call(
        1, "tools/call", McpClient::tool_params("generate_summary", {{"patient_id", "70"}})));
    ASSERT_TRUE(stuck->start_call(
        1, "tools/call", McpClient::tool_params("generate_summary", {{"patient_id", "69"}})));

    // Meanwhile, other clients generate normally.
    std::vector<CallResult> others(3);
    std::vector<std::string> errors(3);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < others.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                McpClient c(server().ws_url());
                if (!c.initialize().has_result()) throw std::runtime_error("initialize");
                others[i] =
                    c.tool("generate_summary", {{"patient_id", core::patient_id_for(72 + i)}}, 20s);
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }

    // `slow` does not read until the server says it gave up on it.
    const bool dropped = wait_for_server_log(peer(*slow) + "not reading", 20s);
    const auto rss_after = server().rss_kib();
    EXPECT_TRUE(dropped) << "the server never dropped the client that does not read";
    if (dropped) {
        const auto frames = slow->drain(10s);
        ASSERT_FALSE(frames.empty());
        const Frame& end = frames.back();
        EXPECT_EQ(end.kind, Frame::Kind::closed) << end.describe();
        EXPECT_EQ(end.close_code, 1008) << end.describe();
        EXPECT_THAT(end.close_reason, HasSubstr("too slow")) << end.describe();
        for (const auto& f : frames) EXPECT_FALSE(f.is_response_to(1)) << "response after drop";
    }
    for (auto& t : threads) t.join();

    for (std::size_t i = 0; i < others.size(); ++i) {
        const std::string id = core::patient_id_for(72 + i);
        ASSERT_TRUE(errors[i].empty()) << id << ": " << errors[i];
        ASSERT_TRUE(others[i].has_result()) << id << ": " << others[i].describe();
        const json record = settled_record(id);
        const json key = others[i].json()["id"];
        EXPECT_TRUE(stream_matches(token_frames(others[i].frames, StreamForm::legacy, key),
                                   StreamForm::legacy, key, record))
            << id;
        EXPECT_EQ(others[i].text(), expected_generated_text(id, record)) << id;
    }

    // `stuck` never takes its close frame: the server tears the connection down once it has
    // been silent for the pong timeout.
    EXPECT_TRUE(wait_for_server_log(peer(*stuck) + "not reading", 10s));
    EXPECT_TRUE(wait_for_server_log(peer(*stuck) + "no answer to pings", 10s))
        << "a dropped client that never reads holds its connection";

    // Both upstream calls were cancelled long before their flood ended (the log is read
    // without tokens: with them it would be megabytes).
    for (const std::string id : {"70", "69"}) {
        const json record = settled_record(id, 10s, /*with_tokens=*/false);
        EXPECT_EQ(record.value("outcome", ""), "client_closed") << id;
        EXPECT_LT(record.value("token_count", 0), kFloodTokens) << id;
        std::cout << "[ evidence ] " << id << ": the mock emitted "
                  << record.value("token_count", 0) << " of " << kFloodTokens
                  << " tokens before the drop\n";
    }
    ASSERT_TRUE(rss_after.has_value());
    std::cout << "[ evidence ] VmRSS " << *rss_before << " KiB -> " << *rss_after << " KiB\n";
    EXPECT_LT(*rss_after - *rss_before, 8 * 1024)
        << "VmRSS grew from " << *rss_before << " to " << *rss_after << " KiB";
    auto c = connect();
    EXPECT_TRUE(c->call("ping").has_result());
}

}  // namespace
}  // namespace server_test
