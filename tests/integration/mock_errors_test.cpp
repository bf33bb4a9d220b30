// Bad input as Ollama answers it: status and {"error": ...} before any byte of a stream;
// HTTP-level limits (body size, unfinished headers); and after each, the same mock process
// still serves a normal request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "raw_connection.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct BadRequest {
    std::string name;
    std::string path;
    std::string body;
    int status;
    std::string error;  // the exact {"error": ...} text
    std::vector<std::string> headers = {};
};

void PrintTo(const BadRequest& b, std::ostream* os) {
    *os << b.name;
}

class BadBodies : public ::testing::TestWithParam<BadRequest> {
  protected:
    MockProcess mock_;
};

TEST_P(BadBodies, AnswerWithStatusAndOllamasErrorBodyThenServeNormally) {
    const auto& c = GetParam();
    auto http = mock_.client();
    const auto r = http.post(c.path, c.body, c.headers);
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.status, c.status) << r.describe();
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("application/json"));
    EXPECT_EQ(r.json(), (json{{"error", c.error}})) << r.body;
    EXPECT_EQ(mock_.stats()["bad_requests"], 1);
    // The same connection is kept and serves the next request.
    const auto next = http.get("/api/version");
    EXPECT_EQ(next.status, 200) << next.describe();
    EXPECT_EQ(next.connects, 0) << "the connection was closed after a bad body";
    expect_serves_a_normal_request(mock_);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadBodies,
    ::testing::Values(
        BadRequest{"UnknownModelOnGenerate", "/api/generate", R"({"model":"x","prompt":"hi"})", 404,
                   "model 'x' not found"},
        BadRequest{"UnknownModelOnChat", "/api/chat",
                   R"({"model":"x","messages":[{"role":"user","content":"hi"}]})", 404,
                   "model 'x' not found"},
        BadRequest{"UnknownModelOnShow", "/api/show", R"({"model":"x"})", 404,
                   "model 'x' not found"},
        BadRequest{"UnknownModelOnEmbed", "/api/embed", R"({"model":"x","input":"a"})", 404,
                   "model 'x' not found"},
        BadRequest{"UnknownTagOnGenerate", "/api/generate", R"({"model":"phi:13b","prompt":"hi"})",
                   404, "model 'phi:13b' not found"},
        BadRequest{"MissingModel", "/api/generate", R"({"prompt":"hi"})", 400, "model is required"},
        BadRequest{"EmptyModel", "/api/chat", R"({"model":"","messages":[]})", 400,
                   "model is required"},
        BadRequest{"EmptyBody", "/api/generate", "", 400, "missing request body"},
        BadRequest{"BodyNotAnObject", "/api/generate", "[1,2]", 400,
                   "json: cannot unmarshal array into Go value of type object"},
        BadRequest{"PromptIsANumber", "/api/generate", R"({"model":"phi","prompt":5})", 400,
                   "json: cannot unmarshal number into Go struct field GenerateRequest.prompt of "
                   "type string"},
        BadRequest{"ModelIsANumber", "/api/generate", R"({"model":7,"prompt":"hi"})", 400,
                   "json: cannot unmarshal number into Go struct field GenerateRequest.model of "
                   "type string"},
        BadRequest{"StreamIsAString", "/api/generate",
                   R"({"model":"phi","prompt":"hi","stream":"yes"})", 400,
                   "json: cannot unmarshal string into Go struct field GenerateRequest.stream of "
                   "type bool"},
        BadRequest{"OptionsIsAString", "/api/generate",
                   R"({"model":"phi","prompt":"hi","options":"fast"})", 400,
                   "json: cannot unmarshal string into Go struct field GenerateRequest.options of "
                   "type map[string]interface {}"},
        BadRequest{"SeedIsAString", "/api/generate",
                   R"({"model":"phi","prompt":"hi","options":{"seed":"1"}})", 400,
                   "option \"seed\" must be of type integer"},
        BadRequest{"MessagesIsAString", "/api/chat", R"({"model":"phi","messages":"hi"})", 400,
                   "json: cannot unmarshal string into Go struct field ChatRequest.messages of "
                   "type []api.Message"},
        BadRequest{"MessageWithoutRole", "/api/chat",
                   R"({"model":"phi","messages":[{"content":"hi"}]})", 400,
                   "messages[0].role is required"},
        BadRequest{"EmbedInputIsANumber", "/api/embed", R"({"model":"phi","input":3})", 400,
                   "invalid input type"},
        BadRequest{"MockHeaderIsNotANumber",
                   "/api/generate",
                   R"({"model":"phi","prompt":"hi"})",
                   400,
                   "X-Mock-TPS must be a number, got 'fast'",
                   {"X-Mock-TPS: fast"}}),
    [](const auto& param_info) { return param_info.param.name; });

class Errors : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Errors, MalformedJsonIs400WithWhereItBroke) {
    const auto r = http_.post("/api/generate", std::string(R"({"model":"phi",)"));
    EXPECT_EQ(r.status, 400) << r.describe();
    const auto j = r.json();
    ASSERT_TRUE(j.contains("error")) << r.body;
    EXPECT_THAT(j["error"].get<std::string>(),
                StartsWith("invalid JSON in request body: parse error at line 1, column 16"));
    expect_serves_a_normal_request(mock_);
}

TEST_F(Errors, UnknownEndpointIs404PageNotFound) {
    for (const auto* path : {"/api/nope", "/v2/chat", "/_mock/nope"}) {
        const auto r = http_.get(path);
        EXPECT_EQ(r.status, 404) << path << ": " << r.describe();
        EXPECT_EQ(r.body, "404 page not found");
        EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("text/plain"));
    }
    expect_serves_a_normal_request(mock_);
}

TEST_F(Errors, WrongMethodIs405WithAllow) {
    const auto get_generate = http_.get("/api/generate");
    EXPECT_EQ(get_generate.status, 405) << get_generate.describe();
    EXPECT_EQ(get_generate.header("allow"), "POST");
    EXPECT_EQ(get_generate.json(),
              (json{{"error", "method GET not allowed on /api/generate; use POST"}}));

    const auto delete_tags = http_.perform({.method = "DELETE", .path = "/api/tags"});
    EXPECT_EQ(delete_tags.status, 405) << delete_tags.describe();
    EXPECT_EQ(delete_tags.header("allow"), "GET");

    const auto post_version = http_.post("/api/version", std::string("{}"));
    EXPECT_EQ(post_version.status, 405) << post_version.describe();
    expect_serves_a_normal_request(mock_);
}

TEST_F(Errors, NotHttpAtAllIs400AndTheConnectionCloses) {
    RawConnection raw(mock_.port());
    raw.send("HELLO THERE\r\n\r\n");
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_NE(got.end, RawConnection::End::timeout) << got.bytes;
    EXPECT_THAT(got.bytes, StartsWith("HTTP/1.1 400 Bad Request\r\n"));
    EXPECT_THAT(got.bytes, HasSubstr("{\"error\":\"malformed HTTP request"));
    expect_serves_a_normal_request(mock_);
}

TEST(ErrorLimits, OversizedBodyIs413AndTheMockCarriesOn) {
    MockProcess mock({"--time-scale", "0.1", "--tokens", "6", "--body-limit", "1024"});
    auto http = mock.client();
    const std::string big_prompt(2000, 'a');
    const auto r = http.post("/api/generate", generate_body(big_prompt));
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.json(), (json{{"error", "request body larger than 1024 bytes"}})) << r.body;
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_EQ(mock.stats()["bad_requests"], 1);

    // Just under the limit is fine.
    const auto fits =
        http.post("/api/generate", generate_body(std::string(900, 'b'), {{"stream", false}}));
    EXPECT_EQ(fits.status, 200) << fits.describe();
    expect_serves_a_normal_request(mock);
}

TEST(ErrorLimits, UnfinishedHeadersAreClosedAfterTheHeaderTimeout) {
    MockProcess mock({"--time-scale", "0.1", "--tokens", "6", "--header-timeout-ms", "300"});
    RawConnection raw(mock.port());
    raw.send("POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_NE(got.end, RawConnection::End::timeout) << "still open after 5 s";
    EXPECT_GE(got.elapsed.count(), 250) << "closed before the header timeout";
    EXPECT_LE(got.elapsed.count(), 2000);
    EXPECT_EQ(got.bytes, "") << "nothing is answered to half a request";
    // Beast closes the socket on expiry before the read handler counts it: allow the race.
    EXPECT_TRUE(
        eventually([&] { return mock.stats()["bad_requests"] == 1; }, std::chrono::seconds(2)))
        << mock.stats();
    expect_serves_a_normal_request(mock);
}

TEST(ErrorLimits, AnUnfinishedBodyIsClosedAfterTheHeaderTimeoutToo) {
    MockProcess mock({"--time-scale", "0.1", "--tokens", "6", "--header-timeout-ms", "300"});
    RawConnection raw(mock.port());
    raw.send("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\"");
    const auto got = raw.read(std::chrono::seconds(5));
    EXPECT_NE(got.end, RawConnection::End::timeout) << "still open after 5 s";
    EXPECT_GE(got.elapsed.count(), 250);
    expect_serves_a_normal_request(mock);
}

TEST(ErrorLimits, AnIdleConnectionOutlivesTheHeaderTimeout) {
    // The header timeout starts with the first byte of a request, not with the connection.
    MockProcess mock({"--time-scale", "0.1", "--tokens", "6", "--header-timeout-ms", "300"});
    RawConnection raw(mock.port());
    const auto idle = raw.read(std::chrono::milliseconds(600));
    EXPECT_EQ(idle.end, RawConnection::End::timeout)
        << "idle connection closed: " << to_string(idle.end);
    raw.send("GET /api/version HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto got = raw.read(std::chrono::seconds(5), "}");
    EXPECT_THAT(got.bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
}

}  // namespace
}  // namespace mock_test
