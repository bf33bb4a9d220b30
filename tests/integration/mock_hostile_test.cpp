// Hostile bytes sent to the real mock process: invalid UTF-8 in JSON bodies and in X-Mock-*
// headers, bytes that are not HTTP, oversized headers. Each gets a clear 4xx with a body that
// is valid UTF-8 JSON, and afterwards the same process still serves a normal request (the
// invalid-UTF-8 body used to abort it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/utf8.hpp"
#include "mock_fixture.hpp"
#include "raw_exchange.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A reply whose body must be an Ollama (or OpenAI) error in valid UTF-8 JSON.
void expect_json_error(const RawReply& r, int status, std::string_view what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.bytes;
    EXPECT_TRUE(common::utf8::valid(r.body)) << what << ": body is not UTF-8: " << r.body;
    EXPECT_FALSE(r.json().is_discarded()) << what << ": body is not JSON: " << r.body;
}

TEST(MockHostileInput, InvalidUtf8BodyIs400OnEveryJsonEndpointAndTheMockKeepsServing) {
    MockProcess mock;
    const std::pair<const char*, std::string> cases[] = {
        {"/api/generate", "{\"model\":\"phi\",\"prompt\":\"\xff\"}"},
        {"/api/chat",
         "{\"model\":\"phi\",\"messages\":[{\"role\":\"user\",\"content\":\"\xc3\"}]}"},
        {"/v1/chat/completions",
         "{\"model\":\"phi\",\"messages\":[{\"role\":\"user\",\"content\":\"\xed\xa0\x80\"}]}"},
        {"/_mock/config", "{\"profile\":\"\xfe\xff\"}"},
    };
    for (const auto& [path, body] : cases) {
        const auto r = raw_post_json(mock.port(), path, body);
        expect_json_error(r, 400, path);
        EXPECT_THAT(r.error(), StartsWith("invalid JSON in request body: ")) << path;
        EXPECT_THAT(r.error(), HasSubstr("invalid UTF-8 byte at line 1, column ")) << path;
        ASSERT_TRUE(mock.running()) << "the mock died on " << path;
    }
    EXPECT_EQ(mock.stats()["bad_requests"], 4);
    expect_serves_a_normal_request(mock);
}

TEST(MockHostileInput, InvalidUtf8OutsideAStringIs400) {
    MockProcess mock;
    const auto r = raw_post_json(mock.port(), "/api/generate", "{\"model\":\"phi\",\xff}");
    expect_json_error(r, 400, "byte outside a string");
    EXPECT_THAT(r.error(), StartsWith("invalid JSON in request body: ")) << r.bytes;
    expect_serves_a_normal_request(mock);
}

TEST(MockHostileInput, InvalidUtf8InMockHeadersIsAnsweredInValidJson) {
    MockProcess mock;
    const std::string body = R"({"model":"phi","prompt":"hi","stream":false})";
    const auto tps = raw_post_json(mock.port(), "/api/generate", body, {"X-Mock-TPS: \xff"});
    expect_json_error(tps, 400, "X-Mock-TPS");
    EXPECT_THAT(tps.error(), StartsWith("X-Mock-TPS must be a number, got '"));

    const auto fault = raw_post_json(mock.port(), "/api/generate", body, {"X-Mock-Fault: \xff"});
    expect_json_error(fault, 400, "X-Mock-Fault name");
    EXPECT_THAT(fault.error(), StartsWith("unknown fault '"));

    const auto message =
        raw_post_json(mock.port(), "/api/generate", body, {"X-Mock-Fault: http_500:message=a\xff"});
    expect_json_error(message, 500, "X-Mock-Fault message");
    EXPECT_EQ(message.error(), "a\\xFF") << "the bad byte, escaped";

    // The same message on a streamed error line, and the fault spec in the request log.
    const auto line =
        raw_post_json(mock.port(), "/api/generate", R"({"model":"phi","prompt":"hi"})",
                      {"X-Mock-Fault: error_line:after=1,message=\xff"});
    EXPECT_EQ(line.status, 200) << line.bytes;
    EXPECT_THAT(line.body, HasSubstr(R"({"error":"\\xFF"})")) << line.bytes;
    ASSERT_TRUE(mock.running());
    const auto logged = mock.last_request();
    EXPECT_EQ(logged["fault"], "error_line:after=1,message=\xef\xbf\xbd") << "U+FFFD in the log";
    expect_serves_a_normal_request(mock);
}

TEST(MockHostileInput, BinaryGarbageIs400AndTheMockKeepsServing) {
    MockProcess mock;
    const std::string garbage("\x00\xff\xfe\x01GET\r\n\x80\x81\r\n\r\n", 16);
    RawConnection raw(mock.port());
    raw.send(garbage);
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_NE(got.end, RawConnection::End::timeout) << got.bytes;
    EXPECT_THAT(got.bytes, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
    EXPECT_THAT(got.bytes, HasSubstr("{\"error\":\"malformed HTTP request"));
    expect_serves_a_normal_request(mock);
}

TEST(MockHostileInput, A20KiBHeaderIsWithinTheLimitAndServed) {
    MockProcess mock;
    const auto r = raw_exchange(mock.port(), "GET", "/api/version", {},
                                {"X-Padding: " + std::string(20 * 1024, 'p')});
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.json(), (json{{"version", "0.9.0"}}));
}

TEST(MockHostileInput, HeadersOver64KiBAre431AndTheMockKeepsServing) {
    MockProcess mock;
    std::vector<std::string> headers;
    for (int i = 0; i < 5; ++i) {
        headers.push_back("X-Padding-" + std::to_string(i) + ": " + std::string(20 * 1024, 'p'));
    }
    const auto r = raw_exchange(mock.port(), "GET", "/api/version", {}, headers);
    expect_json_error(r, 431, "100 KiB of headers");
    EXPECT_EQ(r.error(), "request headers larger than 65536 bytes");
    EXPECT_NE(r.end, RawConnection::End::timeout) << "the connection stayed open";
    expect_serves_a_normal_request(mock);
}

}  // namespace
}  // namespace mock_test
