// Every fault, asked for in each of the three ways (X-Mock-Fault header, options.mock_fault,
// a run-time rule posted to /_mock/config), asserting exactly what a client sees on the wire
// and that the fault is counted in /_mock/stats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "raw_connection.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// time scale 0.2: first token after 10 ms, then one every 0.2 ms; 6 tokens.
const std::vector<std::string> kFaultArgs = {"--time-scale", "0.2",  "--ttft",   "50",
                                             "--tps",        "1000", "--tokens", "6"};
constexpr std::string_view kProbe = "fault-probe\nName: Fay\nSymptoms: cough";

enum class Route { header, option, rule };

void PrintTo(Route route, std::ostream* os) {
    *os << (route == Route::header   ? "X-Mock-Fault header"
            : route == Route::option ? "options.mock_fault"
                                     : "rule posted to /_mock/config");
}

std::string route_name(const ::testing::TestParamInfo<Route>& info) {
    switch (info.param) {
        case Route::header:
            return "ByHeader";
        case Route::option:
            return "ByOption";
        case Route::rule:
            return "ByRule";
    }
    return "Unknown";
}

class Faults : public ::testing::TestWithParam<Route> {
  protected:
    Faults() : mock_(kFaultArgs) {}

    // Sends a generation request for the probe prompt that asks for `spec` by the route under
    // test. A rule is installed first with POST /_mock/config and matches the prompt.
    Response request_with(const std::string& spec, json extra = json::object(),
                          milliseconds timeout = milliseconds(5000),
                          const std::string& path = "/api/generate") {
        json body =
            path == "/api/generate" ? generate_body(kProbe, extra) : chat_body(kProbe, extra);
        if (path == "/v1/chat/completions") body["stream"] = extra.value("stream", true);
        std::vector<std::string> headers;
        switch (GetParam()) {
            case Route::header:
                headers.push_back("X-Mock-Fault: " + spec);
                break;
            case Route::option:
                body["options"]["mock_fault"] = spec;
                break;
            case Route::rule: {
                const auto r = admin_.post(
                    "/_mock/config",
                    json{{"rules", json::array({{{"match", "fault-probe"}, {"fault", spec}}})}});
                EXPECT_EQ(r.status, 200) << "installing the rule: " << r.describe();
                break;
            }
        }
        spec_ = spec;
        return http_.perform({.method = "POST",
                              .path = path,
                              .body = body.dump(),
                              .headers = headers,
                              .timeout = timeout});
    }

    // The fault was counted once, under its kind, and logged with its spec.
    void expect_counted(std::string_view kind) {
        const auto stats = mock_.stats();
        EXPECT_EQ(stats["faults"][std::string(kind)], 1) << stats["faults"];
        EXPECT_EQ(stats["faults_total"], 1) << stats["faults"];
        EXPECT_EQ(mock_.last_request()["fault"], spec_);
    }

    // The `response` of each NDJSON line that is a token chunk.
    static std::vector<std::string> streamed_tokens(const Response& r) {
        std::vector<std::string> out;
        for (const auto& j : parse_records(r.lines())) {
            if (j.is_object() && j.value("done", true) == false) out.push_back(j["response"]);
        }
        return out;
    }

    // Offset of token i from the request's receipt, per the mock's schedule, in µs.
    std::int64_t due_us(const json& record, std::size_t i) const {
        return record["tokens"][i]["scheduled_us"].get<std::int64_t>() -
               record["received_us"].get<std::int64_t>();
    }

    MockProcess mock_;
    HttpClient http_ = mock_.client();
    HttpClient admin_ = mock_.client();
    std::string spec_;
};

INSTANTIATE_TEST_SUITE_P(Routes, Faults,
                         ::testing::Values(Route::header, Route::option, Route::rule), route_name);

struct StatusCase {
    std::string spec;
    int status;
    std::string message;
};

TEST_P(Faults, HttpStatusFaultsAnswerWithOllamasErrorBodyBeforeAnyStreamByte) {
    const StatusCase cases[] = {
        {"http_500", 500, "llama runner process has terminated: exit status 2"},
        {"http_503", 503, "server busy, please try again.  maximum pending requests exceeded"},
        {"http_404", 404, "model not found"},
        {"http_429", 429, "too many requests, retry later"},
        {"http_status:code=502,message=upstream, down", 502, "upstream, down"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.spec);
        const auto r = request_with(c.spec);
        ASSERT_TRUE(r.ok()) << r.describe();
        EXPECT_EQ(r.status, c.status);
        EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("application/json"));
        EXPECT_EQ(r.json(), (json{{"error", c.message}})) << r.body;
        EXPECT_EQ(r.header("retry-after"),
                  c.status == 429 ? std::optional<std::string>("1") : std::nullopt);
        const auto logged = mock_.last_request();
        EXPECT_EQ(logged["status"], c.status);
        EXPECT_EQ(logged["token_count"], 0);
    }
    const auto stats = mock_.stats();
    EXPECT_EQ(stats["faults"]["http_status"], 5) << stats;
    EXPECT_EQ(stats["faults_total"], 5);
}

TEST_P(Faults, SlowHeadersDelaysTheStatusLine) {
    const auto r = request_with("slow_headers:ms=500");  // 100 ms at time scale 0.2
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    EXPECT_GE(micros(r.started, r.headers_at), 100'000) << "headers came before the delay";
    EXPECT_LT(micros(r.started, r.headers_at), 2'000'000);
    const auto logged = mock_.last_request();
    EXPECT_EQ(streamed_tokens(r), token_texts(logged));
    EXPECT_EQ(parse_records(r.lines()).back()["done"], true) << "the stream completes";
    // The whole schedule moved by the delay.
    EXPECT_NEAR(due_us(logged, 0), 10'000 + 100'000, 1);
    expect_counted("slow_headers");
}

TEST_P(Faults, FiniteStallDelaysTheTokenAfterN) {
    const auto r = request_with("stall:after=3,ms=300");  // 60 ms at time scale 0.2
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto logged = mock_.last_request();
    const auto tokens = token_texts(logged);
    ASSERT_EQ(tokens.size(), 6u) << "a finite stall then carries on";
    EXPECT_EQ(streamed_tokens(r), tokens);
    EXPECT_EQ(parse_records(r.lines()).back()["done"], true);
    // Schedule: 10 ms, then 0.2 ms gaps; the stall adds 60 ms before the fourth token.
    EXPECT_NEAR(due_us(logged, 2), 10'400, 1);
    EXPECT_NEAR(due_us(logged, 3), 10'600 + 60'000, 1);
    const auto lines = r.lines();
    EXPECT_GE(micros(r.started, lines[3].at), due_us(logged, 3)) << "token 4 came early";
    EXPECT_LT(micros(r.started, lines[3].at), due_us(logged, 3) + 1'000'000);
    EXPECT_LT(micros(r.started, lines[2].at), due_us(logged, 3)) << "token 3 was held back too";
    expect_counted("stall");
}

TEST_P(Faults, EndlessStallLeavesTheClientToTimeOutAfterNTokens) {
    const auto r = request_with("stall:after=3", json::object(), milliseconds(400));
    EXPECT_EQ(r.error, CURLE_OPERATION_TIMEDOUT) << r.describe();
    EXPECT_EQ(r.status, 200);
    EXPECT_GE(micros(r.started, r.finished), 390'000);
    const auto lines = r.lines();
    ASSERT_EQ(lines.size(), 3u) << r.body;
    EXPECT_EQ(r.trailing("\n"), "");
    const auto logged_first = mock_.last_request();
    EXPECT_EQ(streamed_tokens(r), token_texts(logged_first));
    // The mock notices the client leaving and ends the stream.
    EXPECT_TRUE(eventually(
        [&] {
            const auto s = mock_.stats();
            return s["active_streams"] == 0 && s["clients_gone"] == 1;
        },
        milliseconds(3000)))
        << mock_.stats();
    EXPECT_EQ(mock_.last_request()["outcome"], "client_closed");
    expect_counted("stall");
}

TEST_P(Faults, ResetAfterNTokensIsAConnectionResetForTheClient) {
    const auto r = request_with("reset:after=3");
    EXPECT_EQ(r.error, CURLE_RECV_ERROR) << r.describe();
    EXPECT_THAT(r.error_text, HasSubstr("reset")) << r.describe();
    EXPECT_EQ(r.status, 200);
    const auto logged = mock_.last_request();
    const auto tokens = token_texts(logged);
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_EQ(streamed_tokens(r), tokens);
    EXPECT_EQ(r.lines().size(), 3u) << "no final chunk: " << r.body;
    EXPECT_EQ(logged["outcome"], "fault");
    expect_counted("reset");
}

TEST_P(Faults, CloseAfterNTokensEndsTheStreamWithoutAFinalChunk) {
    const auto r = request_with("close:after=3");
    // A clean close, but the chunked body never got its last chunk.
    EXPECT_EQ(r.error, CURLE_PARTIAL_FILE) << r.describe();
    EXPECT_EQ(r.status, 200);
    const auto tokens = token_texts(mock_.last_request());
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_EQ(streamed_tokens(r), tokens);
    for (const auto& j : parse_records(r.lines())) EXPECT_EQ(j["done"], false) << j;
    EXPECT_EQ(r.lines().size(), 3u);
    EXPECT_EQ(r.trailing("\n"), "");
    expect_counted("close");
}

TEST_P(Faults, CutAfterNBytesEndsTheBodyMidLine) {
    const auto r = request_with("cut:bytes=150");
    EXPECT_EQ(r.error, CURLE_PARTIAL_FILE) << r.describe();
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(r.body.size(), 150u) << r.body;
    const auto lines = r.lines();
    ASSERT_EQ(lines.size(), 1u) << r.body;
    EXPECT_EQ(json::parse(lines[0].text)["response"], token_texts(mock_.last_request())[0]);
    const auto rest = r.trailing("\n");
    EXPECT_FALSE(rest.empty()) << "the cut fell on a line boundary";
    EXPECT_THAT(rest, StartsWith("{\"model\":"));
    EXPECT_TRUE(json::parse(rest, nullptr, false).is_discarded()) << rest;
    expect_counted("cut");
}

TEST_P(Faults, MalformedPutsOneLineThatIsNotJsonAfterNTokensThenCarriesOn) {
    const auto r = request_with("malformed:after=2");
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto objects = parse_records(r.lines());
    ASSERT_EQ(objects.size(), 6u + 1 + 1) << r.body;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        EXPECT_EQ(objects[i].is_discarded(), i == 2) << "line " << i << ": " << r.lines()[i].text;
    }
    EXPECT_EQ(streamed_tokens(r), token_texts(mock_.last_request()));
    EXPECT_EQ(objects.back()["done"], true);
    expect_counted("malformed");
}

TEST_P(Faults, ErrorLineAfterNTokensEndsTheStreamWithStatus200) {
    const auto r = request_with("error_line:after=2");
    ASSERT_TRUE(r.ok()) << "the stream ends properly: " << r.describe();
    EXPECT_EQ(r.status, 200);
    const auto objects = parse_records(r.lines());
    ASSERT_EQ(objects.size(), 3u) << r.body;
    EXPECT_EQ(objects[2], (json{{"error",
                                 "an error was encountered while running the model: "
                                 "unexpected EOF"}}));
    const auto tokens = token_texts(mock_.last_request());
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(objects[0]["response"], tokens[0]);
    EXPECT_EQ(objects[1]["response"], tokens[1]);
    expect_counted("error_line");
    // The connection stays usable.
    const auto next = http_.get("/api/version");
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.connects, 0);
}

TEST_P(Faults, EmptyIs200WithAnEmptyBody) {
    const auto r = request_with("empty");
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.header("content-type"), "application/x-ndjson");
    EXPECT_EQ(mock_.last_request()["token_count"], 0);
    expect_counted("empty");
}

TEST_P(Faults, GarbageIsNotHttpAtAll) {
    const auto r = request_with("garbage");
    EXPECT_THAT(r.error, AnyOf(CURLE_UNSUPPORTED_PROTOCOL, CURLE_WEIRD_SERVER_REPLY))
        << r.describe();
    EXPECT_EQ(r.status, 0);
    expect_counted("garbage");
}

TEST_P(Faults, AnUnknownFaultIs400ListingTheValidNames) {
    const std::string valid =
        "valid faults: http_500, http_503, http_404, http_429, http_status (code=NNN), "
        "slow_headers (ms), stall (after, ms), reset (after), close (after), cut (bytes), "
        "malformed (after), error_line (after, message), empty, garbage";
    if (GetParam() == Route::rule) {
        const auto r = admin_.post(
            "/_mock/config",
            json{{"rules", json::array({{{"match", "fault-probe"}, {"fault", "explode"}}})}});
        EXPECT_EQ(r.status, 400) << r.describe();
        EXPECT_EQ(r.json(), (json{{"error", "rules[0].fault: unknown fault 'explode'; " + valid}}));
        EXPECT_EQ(admin_.get("/_mock/config").json()["rules"], json::array()) << "rule kept";
    } else {
        const auto r = request_with("explode:after=1");
        EXPECT_EQ(r.status, 400) << r.describe();
        EXPECT_EQ(r.json(), (json{{"error", "unknown fault 'explode'; " + valid}}));
    }
    EXPECT_EQ(mock_.stats()["faults_total"], 0);
    // The probe itself is served normally.
    const auto normal = http_.post("/api/generate", generate_body(kProbe));
    EXPECT_EQ(normal.status, 200);
    EXPECT_EQ(parse_records(normal.lines()).back()["done"], true) << normal.body;
}

// ---- Beyond the route: other endpoints and stream:false ----

class FaultDetails : public ::testing::Test {
  protected:
    FaultDetails() : mock_(kFaultArgs) {}
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(FaultDetails, GarbageSendsExactlyItsBytesThenCloses) {
    RawConnection raw(mock_.port());
    const std::string body = generate_body("x").dump();
    raw.send("POST /api/generate HTTP/1.1\r\nHost: x\r\nX-Mock-Fault: garbage\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body);
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_EQ(got.end, RawConnection::End::eof) << to_string(got.end);
    EXPECT_EQ(got.bytes, "\x16\x03\x01\x02\x00garbage: this is not HTTP \xff\xfe\r\n\r\n");
}

TEST_F(FaultDetails, ARuleFaultsOnlyMatchingPromptsAndOnlyCountTimes) {
    const auto set = http_.post(
        "/_mock/config",
        json{{"rules",
              json::array({{{"match", "fault-probe"}, {"fault", "http_503"}, {"count", 2}}})}});
    ASSERT_EQ(set.status, 200) << set.describe();
    EXPECT_EQ(http_.post("/api/generate", generate_body("other prompt")).status, 200);
    EXPECT_EQ(http_.post("/api/generate", generate_body(kProbe)).status, 503);
    EXPECT_EQ(http_.post("/api/generate", generate_body(kProbe)).status, 503);
    EXPECT_EQ(http_.post("/api/generate", generate_body(kProbe)).status, 200) << "count ran out";
    EXPECT_EQ(mock_.stats()["faults"]["http_status"], 2);
}

TEST_F(FaultDetails, AGlobalFaultWithACountAppliesToTheNextRequests) {
    ASSERT_EQ(http_.post("/_mock/config", json{{"fault", "http_500"}, {"fault_count", 1}}).status,
              200);
    EXPECT_EQ(http_.post("/api/chat", chat_body("anything")).status, 500);
    EXPECT_EQ(http_.post("/api/chat", chat_body("anything")).status, 200);
}

TEST_F(FaultDetails, ErrorLineMessageMayContainCommas) {
    const auto r = http_.post("/api/generate", generate_body("x"),
                              {"X-Mock-Fault: error_line:after=0,message=out of memory, sorry"});
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    EXPECT_EQ(r.body, "{\"error\":\"out of memory, sorry\"}\n");
}

TEST_F(FaultDetails, ChatFaultsUseTheChatShape) {
    const auto r = http_.post("/api/chat", chat_body("x"), {"X-Mock-Fault: malformed:after=1"});
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto lines = r.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_THAT(lines[1].text, StartsWith("{\"model\":\"phi\",\"message\":"));
    EXPECT_TRUE(json::parse(lines[1].text, nullptr, false).is_discarded());
}

TEST_F(FaultDetails, OpenAiErrorLineIsAnSseErrorFrameWithoutDone) {
    json body = chat_body("x");
    body["stream"] = true;
    const auto r =
        http_.post("/v1/chat/completions", body, {"X-Mock-Fault: error_line:after=2,message=boom"});
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto frames = r.records("\n\n");
    ASSERT_EQ(frames.size(), 3u) << r.body;
    EXPECT_EQ(json::parse(frames[2].text.substr(6))["error"]["message"], "boom");
    EXPECT_THAT(r.body, ::testing::Not(HasSubstr("[DONE]")));
}

TEST_F(FaultDetails, OpenAiStatusFaultsUseOpenAisErrorObjectAnd429KeepsRetryAfter) {
    // OpenAI SDKs back off by the Retry-After header of a 429.
    json body = chat_body("x");
    body["stream"] = true;
    const auto r = http_.post("/v1/chat/completions", body,
                              {"X-Mock-Fault: http_status:code=429,retry_after=7"});
    EXPECT_EQ(r.status, 429) << r.describe();
    EXPECT_EQ(r.header("retry-after"), "7");
    EXPECT_EQ(r.json()["error"]["message"], "too many requests, retry later") << r.body;
    EXPECT_EQ(r.json()["error"]["type"], "invalid_request_error");

    const auto r500 = http_.post("/v1/chat/completions", body, {"X-Mock-Fault: http_500"});
    EXPECT_EQ(r500.status, 500);
    EXPECT_EQ(r500.json()["error"]["type"], "api_error");
    EXPECT_FALSE(r500.header("retry-after").has_value());
}

TEST_F(FaultDetails, OpenAiMalformedIsOneFrameThatIsNotJson) {
    json body = chat_body("x");
    body["stream"] = true;
    const auto r = http_.post("/v1/chat/completions", body, {"X-Mock-Fault: malformed:after=1"});
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto frames = r.records("\n\n");
    ASSERT_EQ(frames.size(), 6u + 1 + 1 + 1) << "tokens, bad frame, finish, [DONE]: " << r.body;
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        ASSERT_THAT(frames[i].text, StartsWith("data: "));
        EXPECT_EQ(json::parse(frames[i].text.substr(6), nullptr, false).is_discarded(), i == 1)
            << "frame " << i << ": " << frames[i].text;
    }
    EXPECT_EQ(frames.back().text, "data: [DONE]");
}

TEST_F(FaultDetails, StreamFalseErrorLineBecomesA500WithTheMessage) {
    const auto r = http_.post("/api/generate", generate_body("x", {{"stream", false}}),
                              {"X-Mock-Fault: error_line:message=boom"});
    EXPECT_EQ(r.status, 500) << r.describe();
    EXPECT_EQ(r.json(), (json{{"error", "boom"}}));
}

TEST_F(FaultDetails, StreamFalseStallDelaysTheWholeReplyAndLogsEachTokenOnce) {
    const auto r = http_.post("/api/generate", generate_body("x", {{"stream", false}}),
                              {"X-Mock-Fault: stall:after=3,ms=500"});  // 100 ms scaled
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_GE(micros(r.started, r.headers_at), 100'000);
    const auto logged = mock_.last_request();
    EXPECT_EQ(logged["token_count"], 6) << logged;
    // As when streamed: the tokens before the stall are not delayed by it.
    const auto received = logged["received_us"].get<std::int64_t>();
    EXPECT_NEAR(logged["tokens"][2]["scheduled_us"].get<std::int64_t>() - received, 10'400, 1);
    EXPECT_NEAR(logged["tokens"][3]["scheduled_us"].get<std::int64_t>() - received,
                10'600 + 100'000, 1);
    EXPECT_EQ(r.json()["response"], logged["text"]);
    EXPECT_EQ(r.json()["eval_count"], 6);
    EXPECT_EQ(mock_.stats()["tokens"], 6);
}

TEST_F(FaultDetails, StreamFalseResetAndCut) {
    const auto reset = http_.post("/api/generate", generate_body("x", {{"stream", false}}),
                                  {"X-Mock-Fault: reset"});
    EXPECT_THAT(reset.error, AnyOf(CURLE_RECV_ERROR, CURLE_GOT_NOTHING)) << reset.describe();
    EXPECT_EQ(reset.body, "");

    const auto cut = http_.post("/api/generate", generate_body("x", {{"stream", false}}),
                                {"X-Mock-Fault: cut:bytes=40"});
    EXPECT_EQ(cut.error, CURLE_PARTIAL_FILE) << cut.describe();
    EXPECT_EQ(cut.status, 200);
    EXPECT_EQ(cut.body.size(), 40u);
    EXPECT_EQ(mock_.stats()["faults_total"], 2);
}

}  // namespace
}  // namespace mock_test
