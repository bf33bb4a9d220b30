// McpSession without a network: frames in, frames out. Dispatch, every JSON-RPC error code,
// the synchronous tools, saves through the real store, and an upstream failure (Ollama
// pointed at a closed port).
#include "mcp/mcp_session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "temp_dir.hpp"

namespace {

using namespace core;
using nlohmann::json;
using ::testing::HasSubstr;
namespace net = boost::asio;

class McpSessionTest : public ::testing::Test {
  protected:
    McpSessionTest()
        : patients_(generate_patients(10, 42)),
          store_(dir_ / "patient_summaries.csv", patients_.all()),
          work_(net::make_work_guard(io_)),
          strand_(net::make_strand(io_)),
          ollama_(net::make_strand(io_), ollama_config()),
          log_("test", common::LogLevel::off),
          state_{config_, patients_, store_, ollama_, log_, stats_},
          session_(std::make_shared<McpSession>(
              state_, strand_,
              [this](std::string frame, const core::Route&) {
                  std::lock_guard lock(mutex_);
                  frames_.push_back(json::parse(frame));
                  cv_.notify_all();
              },
              "test-peer")),
          thread_([this] { io_.run(); }) {}

    ~McpSessionTest() override {
        net::post(strand_, [s = session_] { s->close(); });
        work_.reset();
        thread_.join();
        store_.flush();
    }

    static OllamaConfig ollama_config() {
        OllamaConfig c;
        c.base_url = "http://127.0.0.1:1";  // nothing listens: every generation fails fast
        return c;
    }

    void send_raw(const std::string& frame) {
        net::post(strand_, [s = session_, frame] { s->on_message(frame); });
    }
    void send(const json& frame) { send_raw(frame.dump()); }

    json next() {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, std::chrono::seconds(10), [this] { return !frames_.empty(); })) {
            ADD_FAILURE() << "no frame within 10 s";
            return json();
        }
        json f = frames_.front();
        frames_.pop_front();
        return f;
    }
    // Sends a request and returns its response.
    json call(const std::string& method, json params, json id = 1) {
        send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
        return next();
    }
    json tool(const std::string& name, json args) {
        return call("tools/call", {{"name", name}, {"arguments", args}});
    }
    static std::string text_of(const json& response) {
        return response["result"]["content"][0]["text"].get<std::string>();
    }
    bool quiet_for(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex_);
        return !cv_.wait_for(lock, d, [this] { return !frames_.empty(); });
    }

    core_test::TempDir dir_;
    ServerConfig config_;
    PatientIndex patients_;
    SummaryStore store_;
    net::io_context io_;
    net::executor_work_guard<net::io_context::executor_type> work_;
    net::any_io_executor strand_;
    OllamaClient ollama_;
    common::Logger log_;
    ServerStats stats_;
    ServerState state_;
    std::shared_ptr<McpSession> session_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<json> frames_;
};

TEST_F(McpSessionTest, InitializeNegotiatesTheVersion) {
    auto r =
        call("initialize", {{"protocolVersion", "2025-03-26"}, {"capabilities", json::object()}});
    EXPECT_EQ(r["result"]["protocolVersion"], "2025-03-26");
    EXPECT_EQ(r["result"]["serverInfo"]["name"], "patient-summaries-server");
    EXPECT_TRUE(r["result"]["capabilities"].contains("tools"));
    r = call("initialize", {{"protocolVersion", "1999-01-01"}}, 2);
    EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25");
    r = call("initialize", json::object(), 3);
    EXPECT_EQ(r["error"]["code"], -32602);
}

TEST_F(McpSessionTest, NotificationsAreNeverAnswered) {
    send(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    send(json{{"jsonrpc", "2.0"}, {"method", "notifications/unknown"}});
    send(json{{"jsonrpc", "2.0"},
              {"method", "notifications/cancelled"},
              {"params", {{"requestId", 77}}}});
    EXPECT_TRUE(quiet_for(std::chrono::milliseconds(100)));
    EXPECT_EQ(call("ping", json::object(), "p")["result"], json::object());
}

TEST_F(McpSessionTest, EveryErrorCode) {
    send_raw("{not json");
    auto r = next();
    EXPECT_EQ(r["error"]["code"], -32700);
    EXPECT_TRUE(r["id"].is_null());
    send_raw(R"({"jsonrpc":"1.0","id":5,"method":"ping"})");
    r = next();
    EXPECT_EQ(r["error"]["code"], -32600);
    EXPECT_EQ(r["id"], 5);
    r = call("no/such/method", json::object(), 6);
    EXPECT_EQ(r["error"]["code"], -32601);
    EXPECT_THAT(r["error"]["message"].get<std::string>(), HasSubstr("no/such/method"));
    r = call("tools/call", {{"name", "nope"}}, 7);
    EXPECT_EQ(r["error"]["code"], -32602);
    r = tool("get_patient_summary", json::object());
    EXPECT_EQ(r["error"]["code"], -32602);
    EXPECT_THAT(r["error"]["message"].get<std::string>(), HasSubstr("patient_id"));
    r = tool("get_patient_summary", {{"patient_id", 12}});
    EXPECT_EQ(r["error"]["code"], -32602);
    EXPECT_EQ(call("ping", json::object(), 8)["id"], 8) << "the session keeps serving";
}

TEST_F(McpSessionTest, ToolsListHasTheFourTools) {
    const auto tools = call("tools/list", json::object())["result"]["tools"];
    std::set<std::string> names;
    for (const auto& t : tools) names.insert(t["name"].get<std::string>());
    EXPECT_EQ(names, (std::set<std::string>{"search_patients_by_disease", "get_patient_summary",
                                            "generate_summary", "update_patient_summary"}));
}

TEST_F(McpSessionTest, UnknownPatientIsAToolErrorNotAProtocolError) {
    const auto r = tool("get_patient_summary", {{"patient_id", "P999"}});
    EXPECT_TRUE(r["result"]["isError"].get<bool>());
    EXPECT_THAT(text_of(r), HasSubstr("P999"));
}

TEST_F(McpSessionTest, UpdateSavesDurablyThenGetShowsIt) {
    const std::string summary = "Line one, \"quoted\"\nline two 🩺";
    auto r = tool("update_patient_summary", {{"patient_id", "2"}, {"summary", summary}});
    ASSERT_FALSE(r["result"]["isError"].get<bool>()) << r.dump();
    EXPECT_THAT(text_of(r), HasSubstr("has been saved"));
    EXPECT_EQ(store_.summary("2"), summary) << "acknowledged means durable";
    r = tool("get_patient_summary", {{"patient_id", "2"}});
    EXPECT_THAT(text_of(r), ::testing::EndsWith("Summary:\n" + summary));
}

TEST_F(McpSessionTest, UnreachableOllamaIsAToolErrorAndNothingIsSaved) {
    const auto r = tool("generate_summary", {{"patient_id", "3"}, {"save", true}});
    ASSERT_TRUE(r.contains("result")) << r.dump();
    EXPECT_TRUE(r["result"]["isError"].get<bool>());
    EXPECT_THAT(text_of(r), HasSubstr("Ollama is unreachable at http://127.0.0.1:1"));
    EXPECT_EQ(store_.summary("3"), "");
    EXPECT_EQ(stats_.upstream_errors.load(), 1u);
}

TEST_F(McpSessionTest, NullOptionalArgumentsCountAsAbsent) {
    const auto r =
        tool("generate_summary", {{"patient_id", "4"}, {"save", nullptr}, {"stream", nullptr}});
    ASSERT_TRUE(r.contains("result")) << r.dump();
    EXPECT_THAT(text_of(r), HasSubstr("unreachable")) << "reached Ollama, did not throw";
}

TEST_F(McpSessionTest, SearchAnswersWithTheOriginalShape) {
    const auto r = tool("search_patients_by_disease", {{"disease_keyword", "zzzz-no-such"}});
    EXPECT_THAT(text_of(r), ::testing::StartsWith("No patients found matching 'zzzz-no-such'."));
}

TEST_F(McpSessionTest, AfterCloseNothingIsSent) {
    net::post(strand_, [s = session_] { s->close(); });
    send(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "ping"}});
    EXPECT_TRUE(quiet_for(std::chrono::milliseconds(100)));
}

}  // namespace

// Hostile input into the session (bad-input table: docs/bad-input.md).

TEST_F(McpSessionTest, InitializeWithMistypedClientInfoIsAnswered) {
    // Once an uncaught type_error: clientInfo is only logged, so its types do not matter.
    for (const json& info : {json{{"name", 123}}, json{{"name", "x"}, {"version", nullptr}},
                             json{{"version", json::object()}}, json("a string")}) {
        const auto r =
            call("initialize", {{"protocolVersion", "2025-11-25"}, {"clientInfo", info}});
        EXPECT_EQ(r["result"]["protocolVersion"], "2025-11-25") << info.dump() << " " << r.dump();
    }
    EXPECT_EQ(stats_.internal_errors.load(), 0u);
}

TEST_F(McpSessionTest, ProgressTokenOfTheWrongTypeIsInvalidParams) {
    for (const json& token : {json::object(), json::array({1}), json(1.5), json(true), json()}) {
        send(json{{"jsonrpc", "2.0"},
                  {"id", 9},
                  {"method", "tools/call"},
                  {"params",
                   {{"name", "generate_summary"},
                    {"arguments", {{"patient_id", "1"}}},
                    {"_meta", {{"progressToken", token}}}}}});
        const auto r = next();
        EXPECT_EQ(r["error"]["code"], -32602) << token.dump() << " " << r.dump();
        EXPECT_THAT(r["error"]["message"].get<std::string>(), HasSubstr("progressToken"));
    }
}

TEST_F(McpSessionTest, CallLimitPerConnectionAnswersServerBusyAndKeepsServing) {
    config_.max_calls_per_connection = 1;
    // Saves are queued on the store's writer: the first is still in flight when the second
    // arrives (both are posted to the strand before either completes).
    const json update = {{"jsonrpc", "2.0"},
                         {"method", "tools/call"},
                         {"params",
                          {{"name", "update_patient_summary"},
                           {"arguments", {{"patient_id", "1"}, {"summary", "s"}}}}}};
    json a = update, b = update;
    a["id"] = 1;
    b["id"] = 2;
    net::post(strand_, [s = session_, x = a.dump(), y = b.dump()] {
        s->on_message(x);
        s->on_message(y);
    });
    const auto first = next(), second = next();
    const auto& refused = first["id"] == 2 ? first : second;
    EXPECT_EQ(refused["error"]["code"], -32000) << first.dump() << second.dump();
    EXPECT_EQ(stats_.calls_refused.load(), 1u);
    EXPECT_EQ(call("ping", json::object(), 3)["result"], json::object());
}
