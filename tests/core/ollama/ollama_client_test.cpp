// core::OllamaClient against a real mock-ollama process over loopback: the streamed tokens,
// the non-streaming path, and every upstream failure mapped to its own error.
#include "core/ollama_client.hpp"

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "common/child_process.hpp"

namespace {

using core::OllamaError;
using core::OllamaResult;
using ::testing::HasSubstr;
namespace net = boost::asio;

std::string http_get(const std::string& url) {
    std::string body;
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
            static_cast<std::string*>(out)->append(d, s * n);
            return s * n;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
    return body;
}

class OllamaClientTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mock_ =
            new common::ChildProcess({.argv = {MOCK_OLLAMA_BIN, "--port", "0", "--time-scale",
                                               "0.01", "--tokens", "12", "--log-level", "warn"}});
        const auto line = mock_->wait_for_line("listening on", std::chrono::seconds(10));
        url_ = "http://127.0.0.1:" + std::to_string(common::port_from_ready_line(line));
    }
    static void TearDownTestSuite() {
        delete mock_;
        mock_ = nullptr;
    }

    OllamaClientTest() : work_(net::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
    ~OllamaClientTest() override {
        client_.reset();
        work_.reset();
        thread_.join();
    }

    core::OllamaClient& client(core::OllamaConfig cfg = {}) {
        if (cfg.base_url == core::OllamaConfig{}.base_url) cfg.base_url = url_;
        client_ = std::make_unique<core::OllamaClient>(net::make_strand(io_), cfg);
        return *client_;
    }

    struct Outcome {
        std::vector<std::string> tokens;
        OllamaResult result;
    };
    Outcome run(core::OllamaClient& c, core::OllamaRequest req) {
        auto tokens = std::make_shared<std::vector<std::string>>();
        std::promise<OllamaResult> done;
        auto fut = done.get_future();
        c.generate(
            std::move(req), [tokens](std::string_view t) { tokens->emplace_back(t); },
            [&done](OllamaResult r) { done.set_value(std::move(r)); });
        EXPECT_EQ(fut.wait_for(std::chrono::seconds(20)), std::future_status::ready);
        return {*tokens, fut.get()};
    }
    static core::OllamaRequest with_fault(std::string fault) {
        core::OllamaRequest r;
        r.prompt = "Name: Ana Lima\nSymptoms: cough";
        r.options = {{"mock_fault", std::move(fault)}};
        return r;
    }

    static inline common::ChildProcess* mock_ = nullptr;
    static inline std::string url_;
    net::io_context io_;
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::thread thread_;
    std::unique_ptr<core::OllamaClient> client_;
};

TEST_F(OllamaClientTest, StreamsEveryTokenInOrderAndTheTextIsTheirConcatenation) {
    core::OllamaRequest req;
    req.prompt = "Name: Ana Lima\nSymptoms: cough, fever";
    req.options = {{"seed", 3}};
    const auto out = run(client(), req);
    ASSERT_TRUE(out.result.ok()) << out.result.message;
    ASSERT_EQ(out.tokens.size(), 12u);
    std::string joined;
    for (const auto& t : out.tokens) joined += t;
    EXPECT_EQ(out.result.text, joined);
    EXPECT_EQ(out.result.done_reason, "stop");
    EXPECT_EQ(out.result.tokens, 12u);
    const auto log = nlohmann::json::parse(http_get(url_ + "/_mock/requests"));
    bool found = false;
    for (const auto& r : log["requests"]) {
        if (r["prompt"] == req.prompt && r["options"].value("seed", 0) == 3) {
            EXPECT_EQ(r["text"], joined);
            EXPECT_TRUE(r["stream"].get<bool>());
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(OllamaClientTest, NonStreamingGivesTheSameTextWithoutTokens) {
    core::OllamaRequest req;
    req.prompt = "Name: Bo Ek";
    auto& c = client();
    const auto streamed = run(c, req);
    req.stream = false;
    const auto whole = run(c, req);
    ASSERT_TRUE(whole.result.ok()) << whole.result.message;
    EXPECT_TRUE(whole.tokens.empty());
    EXPECT_EQ(whole.result.text, streamed.result.text);
}

TEST_F(OllamaClientTest, EachUpstreamFailureIsItsOwnClearError) {
    auto& c = client();
    struct Case {
        std::string fault;
        OllamaError error;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"http_500", OllamaError::http_status, "Ollama returned HTTP 500: llama runner"},
        {"http_429", OllamaError::http_status, "HTTP 429"},
        {"error_line:after=3,message=boom", OllamaError::error_line, "error after 3 tokens: boom"},
        {"malformed:after=2", OllamaError::malformed, "malformed line after 2 tokens"},
        {"close:after=4", OllamaError::disconnected, "before it was done (after 4 tokens)"},
        {"reset:after=4", OllamaError::disconnected, "after 4 tokens"},
        {"cut:bytes=150", OllamaError::disconnected, ""},
        {"empty", OllamaError::disconnected, "sent an empty response"},
        {"garbage", OllamaError::malformed, "not HTTP"},
    };
    for (const auto& k : cases) {
        const auto out = run(c, with_fault(k.fault));
        EXPECT_EQ(out.result.error, k.error) << k.fault << ": " << out.result.message;
        EXPECT_THAT(out.result.message, HasSubstr(k.message)) << k.fault;
        EXPECT_TRUE(out.result.text.empty()) << k.fault << ": a failed call has no text";
    }
}

TEST_F(OllamaClientTest, AStalledStreamTimesOutAfterTheInactivityTimeout) {
    core::OllamaConfig cfg;
    cfg.inactivity_timeout = std::chrono::milliseconds(300);
    const auto t0 = std::chrono::steady_clock::now();
    const auto out = run(client(cfg), with_fault("stall:after=2"));
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(out.result.error, OllamaError::timeout) << out.result.message;
    EXPECT_THAT(out.result.message, HasSubstr("sent nothing for 0.3 s after 2 tokens"));
    EXPECT_EQ(out.tokens.size(), 2u);
    EXPECT_GE(took, std::chrono::milliseconds(300));
}

TEST_F(OllamaClientTest, AFiniteStallShorterThanTheTimeoutCompletes) {
    core::OllamaConfig cfg;
    cfg.inactivity_timeout = std::chrono::milliseconds(2000);
    const auto out = run(client(cfg), with_fault("stall:after=2,ms=10000"));  // 100 ms scaled
    EXPECT_TRUE(out.result.ok()) << out.result.message;
    EXPECT_EQ(out.tokens.size(), 12u);
}

TEST_F(OllamaClientTest, RefusedConnectionIsUnreachable) {
    core::OllamaConfig cfg;
    cfg.base_url = "http://127.0.0.1:1";
    const auto out = run(client(cfg), core::OllamaRequest{.prompt = "x"});
    EXPECT_EQ(out.result.error, OllamaError::unreachable);
    EXPECT_THAT(out.result.message, HasSubstr("Ollama is unreachable at http://127.0.0.1:1"));
}

TEST_F(OllamaClientTest, UnknownModelIsAnHttpError) {
    core::OllamaRequest req{.prompt = "x", .model = "nope"};
    const auto out = run(client(), req);
    EXPECT_EQ(out.result.error, OllamaError::http_status);
    EXPECT_EQ(out.result.http_status, 404);
    EXPECT_THAT(out.result.message, HasSubstr("model 'nope' not found"));
}

TEST_F(OllamaClientTest, CancelAbortsTheUpstreamRequest) {
    auto& c = client();
    core::OllamaRequest req{.prompt = "Name: Cancel Me"};
    req.options = {{"mock_tps", 0.5}, {"mock_tokens", 50}};  // 20 ms apart at this time scale
    std::promise<OllamaResult> done;
    auto fut = done.get_future();
    std::promise<void> first;
    bool seen = false;
    auto call = c.generate(
        req,
        [&](std::string_view) {
            if (!seen) first.set_value();
            seen = true;
        },
        [&](OllamaResult r) { done.set_value(std::move(r)); });
    ASSERT_EQ(first.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    c.cancel(call);
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const auto r = fut.get();
    EXPECT_EQ(r.error, OllamaError::cancelled);
    EXPECT_TRUE(r.text.empty());
    // The mock sees its client go: no stream stays active.
    int active = -1;
    for (int i = 0; i < 200 && active != 0; ++i) {
        active = nlohmann::json::parse(http_get(url_ + "/_mock/stats"))["active_streams"];
        if (active != 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(active, 0);
}

// With flow control, a consumer that falls behind pauses the transfer (tokens stop coming,
// nothing piles up) and, once it catches up, the transfer resumes and completes whole.
TEST_F(OllamaClientTest, FlowControlPausesTheTransferUntilTokensAreConsumed) {
    using namespace std::chrono_literals;
    constexpr std::size_t kTokens = 20000;
    auto& c = client();
    core::OllamaRequest req{.prompt = "Name: Flow Control"};
    req.options = {{"mock_tps", 1e7}, {"mock_tokens", kTokens}, {"mock_ttft_ms", 0}};
    req.max_unconsumed = 4096;
    std::mutex m;
    std::vector<std::size_t> unconsumed;  // sizes of tokens received, not yet consumed
    std::size_t received = 0;
    std::promise<OllamaResult> done;
    auto fut = done.get_future();
    auto call = c.generate(
        req,
        [&](std::string_view t) {
            std::lock_guard lock(m);
            unconsumed.push_back(t.size());
            ++received;
        },
        [&](OllamaResult r) { done.set_value(std::move(r)); });

    std::this_thread::sleep_for(300ms);
    {
        std::lock_guard lock(m);
        EXPECT_GT(received, 0u);
        EXPECT_LT(received, 2000u) << "the transfer did not pause for its consumer";
    }
    EXPECT_EQ(fut.wait_for(0s), std::future_status::timeout) << "finished without its consumer";

    // Consume as tokens come: the transfer resumes and completes.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (fut.wait_for(1ms) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
        std::vector<std::size_t> batch;
        {
            std::lock_guard lock(m);
            batch.swap(unconsumed);
        }
        for (const std::size_t size : batch) c.consumed(call, size);
    }
    ASSERT_EQ(fut.wait_for(0s), std::future_status::ready) << "never resumed";
    const auto r = fut.get();
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.tokens, kTokens);
    std::lock_guard lock(m);
    EXPECT_EQ(received, kTokens);
}

TEST_F(OllamaClientTest, HundredConcurrentCallsEachGetTheirOwnTokens) {
    auto& c = client();
    constexpr int kCalls = 100;
    std::vector<std::promise<OllamaResult>> done(kCalls);
    std::vector<std::shared_ptr<std::string>> streamed(kCalls);
    for (int i = 0; i < kCalls; ++i) {
        streamed[i] = std::make_shared<std::string>();
        core::OllamaRequest req{.prompt = "Name: Patient " + std::to_string(i)};
        c.generate(
            req, [s = streamed[i]](std::string_view t) { *s += t; },
            [&done, i](OllamaResult r) { done[i].set_value(std::move(r)); });
    }
    std::set<std::string> distinct;
    for (int i = 0; i < kCalls; ++i) {
        auto f = done[i].get_future();
        ASSERT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready) << i;
        const auto r = f.get();
        ASSERT_TRUE(r.ok()) << i << ": " << r.message;
        EXPECT_EQ(r.text, *streamed[i]) << i;
        EXPECT_THAT(r.text, HasSubstr("Patient " + std::to_string(i))) << i;
        distinct.insert(r.text);
    }
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kCalls));
    EXPECT_EQ(c.active(), 0u);
}

}  // namespace
