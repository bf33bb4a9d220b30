// Hostile request bodies and headers through Api::handle: every answer is a well-formed HTTP
// reply whose JSON body is valid UTF-8, never an exception (one used to abort the process).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_request.hpp"
#include "common/utf8.hpp"
#include "mock_ollama/api.hpp"

namespace {

using namespace mock_ollama;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Answer {
    int status = 0;
    std::string body;
    json doc;  // discarded when the body is not JSON
    std::string error() const {
        if (!doc.is_object() || !doc.contains("error")) return {};
        const auto& e = doc["error"];
        if (e.is_string()) return e.get<std::string>();
        return e.is_object() ? e.value("message", "") : "";
    }
};

class MockBadBytes : public ::testing::Test {
  protected:
    MockBadBytes()
        : log_(100), api_(MockConfig{}, stats_, log_, common::Logger("t", common::LogLevel::off)) {}

    Outcome call(std::string method, std::string target, std::string body,
                 std::vector<Header> headers = {}) {
        return api_.handle(test_support::api_request(std::move(method), std::move(target),
                                                     std::move(body), std::move(headers)),
                           test_support::kReceivedUs);
    }
    Answer reply(std::string method, std::string target, std::string body = {},
                 std::vector<Header> headers = {}) {
        auto out = call(std::move(method), std::move(target), std::move(body), std::move(headers));
        Answer a;
        const auto* r = std::get_if<Reply>(&out);
        if (r == nullptr) {
            ADD_FAILURE() << "expected a reply, got a generation";
            return a;
        }
        a.status = std::stoi(r->bytes.substr(9, 3));
        a.body = r->bytes.substr(r->bytes.find("\r\n\r\n") + 4);
        EXPECT_TRUE(common::utf8::valid(a.body)) << "not UTF-8: " << a.body;
        a.doc = json::parse(a.body, nullptr, false);
        return a;
    }

    Stats stats_;
    RequestLog log_;
    Api api_;
};

TEST_F(MockBadBytes, InvalidUtf8BodyIs400OnEveryJsonEndpoint) {
    for (const char* path : {"/api/generate", "/api/chat", "/v1/chat/completions", "/_mock/config",
                             "/api/show", "/api/embed", "/api/embeddings"}) {
        const auto a = reply("POST", path, "{\"model\":\"phi\",\"prompt\":\"\xff\"}");
        EXPECT_EQ(a.status, 400) << path << ": " << a.body;
        EXPECT_EQ(a.error(),
                  "invalid JSON in request body: invalid UTF-8 byte at line 1, column 26")
            << path;
    }
}

TEST_F(MockBadBytes, ATruncatedSequenceIsReportedWhereItBreaks) {
    // U+20AC is E2 82 AC; the quote after E2 82 is where the sequence breaks.
    const auto a = reply("POST", "/api/generate", "{\"model\":\"phi\",\n\"prompt\":\"\xe2\x82\"}");
    EXPECT_EQ(a.status, 400) << a.body;
    EXPECT_EQ(a.error(), "invalid JSON in request body: invalid UTF-8 byte at line 2, column 13");
}

TEST_F(MockBadBytes, OtherSyntaxErrorsEscapeTheBytesTheyQuote) {
    const auto a = reply("POST", "/api/generate", "{\"model\":\"phi\",\xff}");
    EXPECT_EQ(a.status, 400) << a.body;
    EXPECT_THAT(a.error(), StartsWith("invalid JSON in request body: parse error at line 1, "
                                      "column 16: syntax error"));
    EXPECT_THAT(a.error(), HasSubstr("\\xFF")) << "the bad byte, escaped";
}

// Found by mock_request_fuzz (seed fuzz/corpus/mock_request_fuzz/crash_number_overflow):
// nlohmann throws out_of_range, not parse_error, for a number beyond double.
TEST_F(MockBadBytes, ANumberBeyondDoubleIs400) {
    for (const char* path : {"/api/generate", "/v1/chat/completions", "/_mock/config"}) {
        const auto a = reply("POST", path, R"({"model":"phi","messages":1e999})");
        EXPECT_EQ(a.status, 400) << path << ": " << a.body;
        EXPECT_EQ(a.error(), "invalid JSON in request body: number overflow parsing '1e999'")
            << path;
    }
}

TEST_F(MockBadBytes, InvalidUtf8InMockHeadersIs400) {
    const std::string body = R"({"model":"phi","prompt":"hi"})";
    const auto tps = reply("POST", "/api/generate", body, {{"X-Mock-TPS", "\xff"}});
    EXPECT_EQ(tps.status, 400);
    EXPECT_EQ(tps.error(), "X-Mock-TPS must be a number, got '\\xFF'");
    const auto fault = reply("POST", "/api/generate", body, {{"X-Mock-Fault", "\xc0\xaf"}});
    EXPECT_EQ(fault.status, 400);
    EXPECT_THAT(fault.error(), StartsWith("unknown fault '\\xC0\\xAF'; valid faults: "));
    const auto openai = reply("POST", "/v1/chat/completions",
                              R"({"model":"phi","messages":[{"role":"user","content":"x"}]})",
                              {{"X-Mock-Fault", "\xff"}});
    EXPECT_EQ(openai.status, 400);
    EXPECT_THAT(openai.error(), StartsWith("unknown fault '\\xFF'"));
}

TEST_F(MockBadBytes, AnInvalidUtf8FaultMessageIsEscaped) {
    const auto a = reply("POST", "/api/generate", R"({"model":"phi","prompt":"hi"})",
                         {{"X-Mock-Fault", "http_503:message=busy\xff"}});
    EXPECT_EQ(a.status, 503);
    EXPECT_EQ(a.error(), "busy\\xFF");
}

TEST_F(MockBadBytes, TheRequestLogStaysValidJsonWithAnInvalidUtf8FaultSpec) {
    const auto out = call("POST", "/api/generate", R"({"model":"phi","prompt":"hi"})",
                          {{"X-Mock-Fault", "error_line:after=1,message=\xff"}});
    ASSERT_TRUE(std::holds_alternative<Generation>(out));
    const auto log = reply("GET", "/_mock/requests");
    EXPECT_EQ(log.status, 200);
    ASSERT_FALSE(log.doc.is_discarded()) << log.body;
    EXPECT_EQ(log.doc["requests"][0]["fault"], "error_line:after=1,message=\xef\xbf\xbd");
}

TEST_F(MockBadBytes, ANonBooleanIncludeUsageIs400) {
    const auto a = reply(
        "POST", "/v1/chat/completions",
        R"({"model":"phi","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":"yes"}})");
    EXPECT_EQ(a.status, 400) << a.body;
    EXPECT_EQ(a.error(), "stream_options.include_usage must be a boolean");
}

TEST_F(MockBadBytes, TokenCountsAboveTheCapAre400) {
    const std::string body = R"({"model":"phi","prompt":"hi"})";
    const auto header = reply("POST", "/api/generate", body, {{"X-Mock-Tokens", "1000001"}});
    EXPECT_EQ(header.status, 400);
    EXPECT_THAT(header.error(), HasSubstr("at most 1000000"));
    const auto option =
        reply("POST", "/api/generate",
              R"({"model":"phi","prompt":"hi","options":{"mock_tokens":5000000000}})");
    EXPECT_EQ(option.status, 400);
    EXPECT_THAT(option.error(), HasSubstr("at most 1000000"));
    const auto config = reply("POST", "/_mock/config", R"({"rules":[{"tokens":1000001}]})");
    EXPECT_EQ(config.status, 400);
    EXPECT_EQ(config.error(), "rules[0].tokens: must be at most 1000000, got 1000001");
}

}  // namespace
