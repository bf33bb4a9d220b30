// mcp-server --stdio as an MCP host runs it: a child whose stdin and stdout are pipes, with a
// mock-ollama behind it. Every line it writes to stdout must be one JSON-RPC message; its logs
// go to stderr; it ends cleanly when its stdin does.
#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/mcp_protocol.hpp"
#include "core/patients.hpp"
#include "core/tools.hpp"
#include "server_fixture.hpp"
#include "stdio_child.hpp"

namespace server_test {
namespace {

namespace mcp = common::mcp;

json initialize_request(int id) {
    return {{"jsonrpc", "2.0"},
            {"id", id},
            {"method", "initialize"},
            {"params",
             {{"protocolVersion", "2025-11-25"},
              {"capabilities", json::object()},
              {"clientInfo", {{"name", "stdio-test"}, {"version", "1"}}}}}};
}

json generate_request(int id, const std::string& patient, const json& progress_token) {
    json params = {{"name", core::tool_generate_summary}, {"arguments", {{"patient_id", patient}}}};
    if (!progress_token.is_null()) params["_meta"] = {{"progressToken", progress_token}};
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}};
}

json ping_request(int id) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "ping"}};
}

class ServerStdio : public ::testing::Test {
  protected:
    // The data folder holds the default patients before the server starts, so that the test
    // knows their prompts.
    void SetUp() override {
        patients_ = core::generate_patients();
        core::save_patients_csv(data_.path() / "patients_data.csv", patients_);
    }

    void start(std::vector<std::string> mock_args = kFastMock,
               std::vector<std::string> server_args = {}) {
        mock_ = std::make_unique<test_support::MockProcess>(MOCK_OLLAMA_BIN, std::move(mock_args));
        std::vector<std::string> args = {"--data-dir",      data_.path().string(), "--ollama-url",
                                         mock_->base_url(), "--log-level",         "debug"};
        args.insert(args.end(), server_args.begin(), server_args.end());
        child_ = std::make_unique<StdioChild>(server_binary(), std::move(args));
    }

    StdioChild& child() { return *child_; }

    void send(const json& message) { ASSERT_TRUE(child_->write_line(message.dump())); }

    // The next line of stdout, which must be one JSON-RPC 2.0 message; a failure otherwise.
    std::optional<Frame> next(std::chrono::milliseconds timeout = 10s) {
        const auto line = child_->read_line(timeout);
        if (!line) {
            ADD_FAILURE() << (child_->eof() ? "stdout ended" : "no line within the timeout")
                          << "; unread: " << child_->unread();
            return std::nullopt;
        }
        Frame f;
        f.text = *line;
        f.json = json::parse(*line, nullptr, false);
        EXPECT_TRUE(f.json.is_object() && f.json.value("jsonrpc", "") == "2.0")
            << "stdout carried a line that is not a JSON-RPC message: " << *line;
        return f;
    }

    // Lines until the response to `id`; what came before it in `before`.
    std::optional<Frame> response_to(const json& id, std::vector<Frame>* before = nullptr,
                                     std::chrono::milliseconds timeout = 10s) {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            auto f = next(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
            if (!f) return std::nullopt;
            if (f->is_response_to(id)) return f;
            if (before != nullptr) before->push_back(std::move(*f));
        }
        ADD_FAILURE() << "no response to id " << id.dump();
        return std::nullopt;
    }

    const core::Patient& patient(const std::string& id) const {
        for (const auto& p : patients_) {
            if (p.patient_id == id) return p;
        }
        throw std::invalid_argument("no patient " + id);
    }

    json settled(const std::string& id) {
        const auto r = mock_->wait_settled(core::summary_prompt(patient(id)), 5s);
        if (!r) ADD_FAILURE() << "the mock logged no generation for " << id;
        return r.value_or(json::object());
    }

    // Polls the server's stderr until `needle` appears (bounded); false on timeout.
    bool log_has(const std::string& needle, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (child_->stderr_text().find(needle) == std::string::npos) {
            if (Clock::now() >= deadline) return false;
            std::this_thread::sleep_for(10ms);  // a polling pause, not a synchronisation
        }
        return true;
    }

    // Everything after stdin closed: stdout ends, the process exits with `status`.
    void expect_exit(int status) {
        const auto line = child_->read_line(10s);
        EXPECT_FALSE(line) << "unexpected line after the last response: " << *line;
        EXPECT_TRUE(child_->eof()) << "stdout did not end";
        EXPECT_EQ(child_->wait_exit(10s), status) << child_->stderr_text();
    }

    test_support::TempDir data_{"msh-it-stdio"};
    std::vector<core::Patient> patients_;
    std::unique_ptr<test_support::MockProcess> mock_;
    std::unique_ptr<StdioChild> child_;
};

// The 2025 lifecycle: initialize, tools/list, then a streamed generation whose progress
// notifications carry exactly the mock's tokens, one each, in order, before the response. The
// hostile text profile puts line breaks, quotes and non-ASCII text in tokens: each message
// must still be one line.
TEST_F(ServerStdio, InitializeListAndStreamedGenerationOneMessagePerLine) {
    start({"--ttft", "20", "--tps", "200", "--tokens", "30", "--profile", "hostile",
           "--hostile-rate", "1"});
    send(initialize_request(1));
    const auto init = response_to(1);
    ASSERT_TRUE(init);
    EXPECT_EQ(init->json["result"].value("protocolVersion", ""), "2025-11-25") << init->text;
    send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});

    send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
    std::vector<Frame> before;
    const auto list = response_to(2, &before);
    ASSERT_TRUE(list);
    EXPECT_TRUE(before.empty()) << "notifications/initialized was answered: " << before[0].text;
    EXPECT_EQ(list->json["result"]["tools"].size(), 4u) << list->text;

    send(generate_request(3, "7", "tok-7"));
    std::vector<Frame> progress;
    const auto done = response_to(3, &progress);
    ASSERT_TRUE(done);
    const json record = settled("7");
    EXPECT_TRUE(stream_matches(progress, StreamForm::progress, "tok-7", record));
    const auto tokens = token_texts(progress, StreamForm::progress);
    bool had_newline = false;
    for (const auto& t : tokens) had_newline |= t.find('\n') != std::string::npos;
    EXPECT_TRUE(had_newline) << "the mock sent no token with a line break; the check is moot";
    EXPECT_EQ(done->json["result"]["content"][0].value("text", ""),
              core::generated_summary_text(patient("7"), core::trim_summary(concat(tokens))));

    child().close_stdin();
    expect_exit(0);
    const std::string log = child().stderr_text();
    EXPECT_NE(log.find("stdio: serving one MCP client"), std::string::npos) << log;
    EXPECT_NE(log.find("tools/call generate_summary"), std::string::npos) << log;
}

// The 2026-07-28 revision on the same stream: server/discover with `_meta`, no initialize.
TEST_F(ServerStdio, StatelessDiscoverWithoutInitialize) {
    start();
    const json meta = {{std::string(mcp::kMetaProtocolVersion), mcp::kStatelessVersion},
                       {std::string(mcp::kMetaClientCapabilities), json::object()}};
    send({{"jsonrpc", "2.0"},
          {"id", "d"},
          {"method", "server/discover"},
          {"params", {{"_meta", meta}}}});
    const auto discover = response_to("d");
    ASSERT_TRUE(discover);
    const json& result = discover->json["result"];
    EXPECT_EQ(result.value("resultType", ""), "complete") << discover->text;
    EXPECT_EQ(result["supportedVersions"].at(0), mcp::kStatelessVersion) << discover->text;

    send(
        {{"jsonrpc", "2.0"}, {"id", "t"}, {"method", "tools/list"}, {"params", {{"_meta", meta}}}});
    const auto list = response_to("t");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->json["result"]["tools"].size(), 4u) << list->text;
    child().close_stdin();
    expect_exit(0);
}

// Bad lines get their JSON-RPC error and the next line is served: not JSON, and a line over
// --max-message, sent in two writes so that its refusal is seen before its end (the rest of the
// line is skipped, not read as a message). "\r\n" endings and blank lines are accepted.
TEST_F(ServerStdio, MalformedAndOversizedLinesAreRefusedAndServingGoesOn) {
    start(kFastMock, {"--max-message", "1024"});
    ASSERT_TRUE(child().write_line("this is not json"));
    const auto bad = next();
    ASSERT_TRUE(bad);
    EXPECT_TRUE(bad->json["id"].is_null()) << bad->text;
    EXPECT_EQ(bad->json["error"].value("code", 0), -32700) << bad->text;

    const std::string padding(3000, 'x');
    const std::string big =
        R"({"jsonrpc":"2.0","id":5,"method":"ping","params":{"pad":")" + padding + "\"}}";
    ASSERT_TRUE(child().write(big.substr(0, 2000)));
    const auto refused = next();
    ASSERT_TRUE(refused) << "no refusal before the end of the oversized line";
    EXPECT_TRUE(refused->json["id"].is_null()) << refused->text;
    EXPECT_EQ(refused->json["error"].value("code", 0), -32600) << refused->text;
    EXPECT_NE(refused->json["error"].value("message", "").find("larger than 1024 bytes"),
              std::string::npos)
        << refused->text;
    // The rest of it (which holds a '{' that could look like a message) is skipped.
    ASSERT_TRUE(child().write(big.substr(2000) + "\n\r\n\n"));
    ASSERT_TRUE(child().write(ping_request(6).dump() + "\r\n"));
    const auto pong = next();
    ASSERT_TRUE(pong);
    EXPECT_TRUE(pong->is_response_to(6)) << pong->text;

    // A line of exactly the limit is served.
    const std::string head = R"({"jsonrpc":"2.0","id":7,"method":"ping","params":{"pad":")";
    const std::string tail = "\"}}";
    const std::string exact = head + std::string(1024 - head.size() - tail.size(), 'y') + tail;
    ASSERT_EQ(exact.size(), 1024u);
    ASSERT_TRUE(child().write_line(exact));
    const auto exact_pong = next();
    ASSERT_TRUE(exact_pong);
    EXPECT_TRUE(exact_pong->is_response_to(7)) << exact_pong->text;

    child().close_stdin();
    expect_exit(0);
}

// stdin ends while a generation is in flight: its notifications and response are still
// written, then stdout ends and the process exits 0. A last line without its '\n' is served.
TEST_F(ServerStdio, EndOfInputFinishesTheCallInFlightThenExitsZero) {
    start({"--ttft", "300", "--tps", "100", "--tokens", "10"});
    send(generate_request(1, "3", 31));
    ASSERT_TRUE(child().write(ping_request(2).dump()));  // no '\n': the end of input ends it
    child().close_stdin();
    const auto pong = next();
    ASSERT_TRUE(pong);
    EXPECT_TRUE(pong->is_response_to(2)) << pong->text;
    std::vector<Frame> progress;
    const auto done = response_to(1, &progress);
    ASSERT_TRUE(done);
    EXPECT_TRUE(stream_matches(progress, StreamForm::progress, 31, settled("3")));
    EXPECT_FALSE(done->json["result"].value("isError", true)) << done->text;
    expect_exit(0);
}

// Without a progressToken WebSocket clients get the original's stream_token frames; they are
// not MCP messages, so stdio leaves them out and sends the response alone.
TEST_F(ServerStdio, NoNonJsonRpcFramesWithoutProgressToken) {
    start();
    send(generate_request(1, "2", nullptr));
    std::vector<Frame> before;
    const auto done = response_to(1, &before);
    ASSERT_TRUE(done);
    EXPECT_TRUE(before.empty()) << "sent before the response: " << before.front().text;
    EXPECT_EQ(done->json["result"]["content"][0].value("text", ""),
              core::generated_summary_text(patient("2"),
                                           core::trim_summary(concat(mock_tokens(settled("2"))))));
    child().close_stdin();
    expect_exit(0);
}

// SIGTERM with a generation in flight: the call finishes and is answered, then exit 0.
TEST_F(ServerStdio, SigtermLetsTheCallInFlightFinish) {
    start({"--ttft", "300", "--tps", "100", "--tokens", "10"});
    send(generate_request(1, "4", "s"));
    // The signal must come after the call started (before, the line would never be read).
    ASSERT_TRUE(log_has("tools/call generate_summary", 5s)) << child().stderr_text();
    child().signal(SIGTERM);
    std::vector<Frame> progress;
    const auto done = response_to(1, &progress);
    ASSERT_TRUE(done);
    EXPECT_FALSE(done->json["result"].value("isError", true)) << done->text;
    EXPECT_EQ(progress.size(), 10u);
    expect_exit(0);
}

// The client closes its end of our stdout: the next write fails with EPIPE, which must not
// kill the process (SIGPIPE); the call in flight is cancelled upstream and the process exits 1.
TEST_F(ServerStdio, ClosedStdoutCancelsAndExitsWithoutSigpipe) {
    start({"--ttft", "100", "--tps", "20", "--tokens", "200"});
    send(initialize_request(1));
    ASSERT_TRUE(response_to(1));
    child().close_stdout();
    send(generate_request(2, "5", "gone"));
    const int status = child().wait_exit(10s);
    EXPECT_EQ(status, 1) << "expected exit 1 (141 is death by SIGPIPE); stderr:\n"
                         << child().stderr_text();
    EXPECT_NE(child().stderr_text().find("writing stdout failed"), std::string::npos)
        << child().stderr_text();
    const json record = settled("5");
    EXPECT_EQ(record.value("outcome", ""), "client_closed") << record.dump();
}

// A host that stops reading stdout while tokens stream: once the pipe is full and
// --queue-limit bytes wait behind it, the call is cancelled upstream and the process exits 1,
// instead of queueing without bound.
TEST_F(ServerStdio, HostThatStopsReadingIsDroppedAtTheQueueLimit) {
    // The stream lasts 5 s, far longer than filling the pipe and the queue takes (~600
    // tokens): it must still be going when the server gives up, or the mock records it as
    // completed (5,000 tokens at 100,000 tok/s once finished first under ASan).
    start({"--ttft", "0", "--tps", "20000", "--tokens", "100000"}, {"--queue-limit", "16384"});
    send(generate_request(1, "6", "never-read"));
    EXPECT_EQ(child().wait_exit(10s), 1) << child().stderr_text();
    EXPECT_NE(child().stderr_text().find("client not reading stdout"), std::string::npos)
        << child().stderr_text();
    const json record = settled("6");
    EXPECT_EQ(record.value("outcome", ""), "client_closed") << record.dump();
}

}  // namespace
}  // namespace server_test
