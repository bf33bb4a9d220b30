// What a hostile or broken client gets from a real mcp-server process: a clear error for
// each bad input, and the server (and, where the protocol allows, the connection) keeps
// serving. Each test reproduces a way the server once failed or misbehaved.
#include <gmock/gmock.h>

#include <fstream>
#include <sstream>

#include "common/child_process.hpp"
#include "server_fixture.hpp"
#include "support/raw_tcp.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Streams long enough (40 tokens at 20/s: 2 s) to still be running when the next request
// arrives.
const std::vector<std::string> kSlowMock = {"--ttft", "20", "--tps", "20", "--tokens", "40"};

using test_support::raw_exchange;

// The start of a TLS ClientHello, then text: what a client that speaks HTTPS sends.
constexpr char kTlsHello[] = "\x16\x03\x01\x02\x00\x01\x00\xfc\x03\x03 garbage\r\n\r\n";

class ServerHostileInput : public ServerTest {};

TEST_F(ServerHostileInput, InitializeWithMistypedClientInfoIsAnsweredAndTheServerLives) {
    // Once: clientInfo.name = 123 aborted the process (an uncaught type_error), and
    // clientInfo.version = null ended it (and freed the server under its connections).
    start();
    const std::vector<json> infos = {{{"name", 123}, {"version", "1"}},
                                     {{"name", "x"}, {"version", nullptr}},
                                     {{"name", json::object()}, {"version", json::array()}},
                                     json::array({1, 2})};
    for (const auto& info : infos) {
        McpClient c(server().ws_url());
        const auto r = c.call("initialize", {{"protocolVersion", "2025-11-25"},
                                             {"capabilities", json::object()},
                                             {"clientInfo", info}});
        ASSERT_TRUE(r.has_result()) << info.dump() << ": " << r.describe();
        EXPECT_EQ(r.result().value("protocolVersion", ""), "2025-11-25");
        const auto ping = c.call("ping");
        EXPECT_TRUE(ping.has_result()) << info.dump() << ": " << ping.describe();
    }
    ASSERT_TRUE(server().running()) << server().stderr_tail();
    auto c = connect();
    EXPECT_TRUE(c->call("tools/list").has_result());
}

TEST_F(ServerHostileInput, BinaryFrameIsRefusedWithAClearErrorAndTheConnectionStays) {
    start();
    auto c = connect();
    const json ping = {{"jsonrpc", "2.0"}, {"id", 5}, {"method", "ping"}};
    ASSERT_TRUE(c->send_binary(ping.dump()));
    const auto f = c->recv(5s);
    ASSERT_TRUE(f && f->is_message()) << (f ? f->describe() : "nothing");
    // Not served as if it were text: an error, with a null id (the frame was not read).
    EXPECT_EQ(f->json["id"], nullptr) << f->describe();
    EXPECT_EQ(f->json["error"].value("code", 0), -32600) << f->describe();
    EXPECT_THAT(f->json["error"].value("message", ""), HasSubstr("binary")) << f->describe();
    EXPECT_TRUE(c->call("ping").has_result());
}

TEST_F(ServerHostileInput, ReusedIdInFlightGetsAnErrorWithANullIdAndTheLiveCallFinishes) {
    start(kSlowMock);
    auto c = connect();
    ASSERT_TRUE(c->start_call(7, "tools/call",
                              McpClient::tool_params("generate_summary", {{"patient_id", "1"}})));
    ASSERT_TRUE(c->start_call(
        7, "tools/call", McpClient::tool_params("get_patient_summary", {{"patient_id", "2"}})));
    // The first frame answering anything is the refusal, with id null: a client must not
    // take it for the answer of the generation that owns id 7.
    std::optional<Frame> refusal;
    const auto deadline = Clock::now() + 5s;
    while (!refusal && Clock::now() < deadline) {
        auto f = c->recv(1s);
        if (f && f->is_message() && f->json.contains("error")) refusal = f;
        ASSERT_FALSE(f && f->is_response_to(7))
            << "answered with the live call's id: " << f->describe();
    }
    ASSERT_TRUE(refusal) << "no error for the reused id";
    EXPECT_EQ(refusal->json["id"], nullptr) << refusal->describe();
    EXPECT_EQ(refusal->json["error"].value("code", 0), -32600) << refusal->describe();
    EXPECT_THAT(refusal->json["error"].value("message", ""), HasSubstr("already in use"));
    const auto live = c->await_response(7, 10s);
    ASSERT_TRUE(live.ok) << live.describe();
    EXPECT_FALSE(live.is_tool_error()) << live.describe();
    EXPECT_THAT(live.text(), StartsWith("Generated Summary for")) << live.describe();
}

TEST_F(ServerHostileInput, CallsPerConnectionAreCappedAndTheConnectionStays) {
    // Once: 1,000 generate_summary calls on one connection made 1,000 upstream requests.
    start(kSlowMock, {"--max-calls-per-connection", "2"});
    auto c = connect();
    const auto gen = [](const char* id) {
        return McpClient::tool_params("generate_summary", {{"patient_id", id}});
    };
    ASSERT_TRUE(c->start_call(1, "tools/call", gen("1")));
    ASSERT_TRUE(c->start_call(2, "tools/call", gen("2")));
    const auto third = c->call_with_id(3, "tools/call", gen("3"), 5s);
    ASSERT_TRUE(third.ok) << third.describe();
    EXPECT_EQ(third.error().value("code", 0), -32000) << third.describe();
    EXPECT_THAT(third.error().value("message", ""), HasSubstr("limit 2")) << third.describe();
    EXPECT_TRUE(c->call("ping").has_result());
    const auto both = c->await_responses({1, 2}, 10s);
    ASSERT_TRUE(both.ok) << both.failure;
    // With the two done, a third call is accepted again.
    const auto again = c->tool("get_patient_summary", {{"patient_id", "3"}});
    EXPECT_TRUE(again.has_result()) << again.describe();
    // The mock saw two generations, not three.
    EXPECT_EQ(mock().requests(false).size(), 2u) << mock().requests(false).dump();
}

TEST_F(ServerHostileInput, ConnectionsAboveTheLimitAreAnswered503) {
    start(kFastMock, {"--max-connections", "2"});
    auto a = connect();
    auto b = connect();
    const auto answer =
        raw_exchange(server().port(),
                     "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\n\r\n");
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 503")) << answer;
    EXPECT_THAT(answer, HasSubstr("--max-connections")) << answer;
    EXPECT_TRUE(a->call("ping").has_result());
    // A connection that ends frees its place.
    b->close();
    std::unique_ptr<McpClient> c;
    for (int i = 0; i < 50 && !c; ++i) {
        try {
            c = connect();
        } catch (const std::exception&) {
            std::this_thread::sleep_for(50ms);
        }
    }
    ASSERT_TRUE(c) << server().stderr_tail();
    EXPECT_TRUE(c->call("ping").has_result());
}

TEST_F(ServerHostileInput, GarbageBytesGet400AndOversizedHeadersGet431) {
    start();
    const auto garbage =
        raw_exchange(server().port(), std::string(kTlsHello, sizeof kTlsHello - 1));
    EXPECT_THAT(garbage, StartsWith("HTTP/1.1 400")) << garbage;
    const auto big = raw_exchange(server().port(), "GET /mcp HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                                       std::string(20'000, 'a') + "\r\n\r\n");
    EXPECT_THAT(big, StartsWith("HTTP/1.1 431")) << big;
    ASSERT_TRUE(server().running());
    EXPECT_TRUE(connect()->call("ping").has_result());
}

TEST_F(ServerHostileInput, BlankSummaryIsRefusedAndNothingIsSaved) {
    // Once: acknowledged as saved, then read back as "no summary".
    start();
    auto c = connect();
    for (const std::string blank : {"", "   ", " \n\t\r "}) {
        const auto r = c->tool("update_patient_summary", {{"patient_id", "1"}, {"summary", blank}});
        ASSERT_TRUE(r.ok) << r.describe();
        EXPECT_EQ(r.error().value("code", 0), -32602) << r.describe();
        EXPECT_THAT(r.error().value("message", ""), HasSubstr("white space")) << r.describe();
    }
    EXPECT_EQ(saved_summary("1"), std::optional<std::string>(""));
}

TEST_F(ServerHostileInput, GenerationOverTheTokenBudgetIsStoppedAndNotSaved) {
    start(kFastMock, {"--max-tokens-per-call", "5"});
    auto c = connect();
    const auto r = c->tool("generate_summary", {{"patient_id", "1"}, {"save", true}});
    ASSERT_TRUE(r.ok) << r.describe();
    EXPECT_TRUE(r.is_tool_error()) << r.describe();
    EXPECT_THAT(r.text(), HasSubstr("per-call budget")) << r.describe();
    EXPECT_LE(token_texts(r.frames, StreamForm::legacy).size(), 5u) << r.describe();
    EXPECT_EQ(saved_summary("1"), std::optional<std::string>(""));
    EXPECT_TRUE(c->call("ping").has_result());
}

TEST_F(ServerHostileInput, FormulaSummariesFollowTheDocumentedPolicy) {
    start(kFastMock);  // keep: stored exactly
    {
        auto c = connect();
        EXPECT_FALSE(c->tool("update_patient_summary", {{"patient_id", "1"}, {"summary", "=1+1"}})
                         .is_tool_error());
    }
    EXPECT_EQ(saved_summary("1"), std::optional<std::string>("=1+1"));
    restart_server({"--csv-formulas", "escape"});
    {
        auto c = connect();
        EXPECT_FALSE(
            c->tool("update_patient_summary", {{"patient_id", "2"}, {"summary", "@SUM(A1)"}})
                .is_tool_error());
    }
    EXPECT_EQ(saved_summary("2"), std::optional<std::string>("'@SUM(A1)"));
    restart_server({"--csv-formulas", "refuse"});
    auto c = connect();
    const auto r =
        c->tool("update_patient_summary", {{"patient_id", "3"}, {"summary", "+cmd|' /C calc'!A0"}});
    EXPECT_EQ(r.error().value("code", 0), -32602) << r.describe();
    EXPECT_THAT(r.error().value("message", ""), HasSubstr("formula")) << r.describe();
    EXPECT_EQ(saved_summary("3"), std::optional<std::string>(""));
    EXPECT_FALSE(c->tool("update_patient_summary", {{"patient_id", "3"}, {"summary", "fine"}})
                     .is_tool_error());
}

}  // namespace
}  // namespace server_test

namespace server_test {
namespace {

TEST(ServerExposure, ANonLoopbackHostIsWarnedAbout) {
    // Listening on every interface exposes patients to the network without authentication:
    // the operator is told, once, at start.
    test_support::TempDir data("msh-it-host");
    // LoggedService returns once the ready line is out: the start-up warnings are written.
    test_support::LoggedService server(
        "mcp-server", server_binary(),
        {"--host", "0.0.0.0", "--port", "0", "--data-dir", data.path().string(), "--ollama-url",
         "http://127.0.0.1:9"});
    EXPECT_THAT(server.stderr_text(), HasSubstr("no authentication and no TLS"));
    test_support::TempDir data2("msh-it-host");
    test_support::LoggedService local(
        "mcp-server", server_binary(),
        {"--host", "127.0.0.1", "--port", "0", "--data-dir", data2.path().string(), "--ollama-url",
         "http://127.0.0.1:9"});
    EXPECT_THAT(local.stderr_text(), Not(HasSubstr("no authentication")));
}

TEST(ServerConfigFile, ATimeScaleOutsideTheFlagsRangeIsRefused) {
    // Every timer is scaled by time_scale; 0 or less scaled them all to 0 = off. The config
    // key has the range of --time-scale (1e-6..1e6).
    for (const char* scale : {"0", "-1", "1e7"}) {
        test_support::TempDir dir("msh-it-config");
        const auto file = dir.path() / "cfg.json";
        std::ofstream(file) << "{\"time_scale\": " << scale << "}";
        // A server that must refuse to start is no service (LoggedService waits for a ready
        // line): a bare child, its stderr in the test's folder (kept when the test fails).
        common::ChildProcess server(
            {.argv = {server_binary(), "--config", file.string(), "--port", "0", "--data-dir",
                      dir.path().string(), "--ollama-url", "http://127.0.0.1:9"},
             .env = {},
             .unset_env = {"OLLAMA_HOST"},
             .cwd = {},
             .stderr_file = dir.path() / "stderr.log"});
        EXPECT_EQ(server.wait_exit(10s), 2) << scale;
        EXPECT_THAT(server.stderr_tail(4000),
                    HasSubstr("cfg.json: time_scale: valid: 1e-06 to 1e+06"))
            << scale;
    }
}

}  // namespace
}  // namespace server_test
