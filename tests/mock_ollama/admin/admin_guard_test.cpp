// What Api::handle answers for /_mock/* when a request breaks the admin rules (the value rules
// themselves are common/http_fields.hpp, tested in tests/common/http_fields_test.cpp).
#include "mock_ollama/admin_guard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mock_ollama/api.hpp"

namespace {

using namespace mock_ollama;
using ::testing::HasSubstr;

class MockAdminApi : public ::testing::Test {
  protected:
    static MockConfig config(std::string token) {
        MockConfig c;
        c.admin_token = std::move(token);
        return c;
    }
    int status(Api& api, std::string method, std::string target, std::vector<Header> headers,
               std::string body = {}, std::string* text = nullptr) {
        HttpRequest r;
        r.method = std::move(method);
        r.target = std::move(target);
        r.headers = std::move(headers);
        r.body = std::move(body);
        const auto out = api.handle(r, 0);
        const auto& bytes = std::get<Reply>(out).bytes;
        if (text != nullptr) *text = bytes;
        return std::stoi(bytes.substr(9, 3));
    }

    Stats stats_;
    RequestLog log_{10};
    common::Logger quiet_{"t", common::LogLevel::off};
};

TEST_F(MockAdminApi, ForeignOriginIs403OnEveryAdminPath) {
    Api api(config(""), stats_, log_, quiet_);
    for (const auto* path : {"/_mock/stats", "/_mock/requests", "/_mock/config", "/_mock/nope"}) {
        std::string text;
        EXPECT_EQ(status(api, "GET", path, {{"Origin", "http://evil.example"}}, {}, &text), 403);
        EXPECT_THAT(text, HasSubstr("Origin 'http://evil.example' is not local"));
    }
    // Every Origin header counts, not only the first.
    EXPECT_EQ(status(api, "GET", "/_mock/stats",
                     {{"Origin", "http://localhost"}, {"Origin", "http://evil.example"}}),
              403);
    EXPECT_EQ(status(api, "GET", "/_mock/stats", {{"Origin", "http://localhost:1"}}), 200);
    EXPECT_EQ(status(api, "GET", "/api/tags", {{"Origin", "http://evil.example"}}), 200);
}

TEST_F(MockAdminApi, BodiesMustBeJson) {
    Api api(config(""), stats_, log_, quiet_);
    std::string text;
    EXPECT_EQ(status(api, "POST", "/_mock/config", {{"Content-Type", "text/plain"}},
                     R"({"tokens":2})", &text),
              415);
    EXPECT_THAT(text, HasSubstr("Content-Type: application/json"));
    EXPECT_EQ(status(api, "POST", "/_mock/config", {}, R"({"tokens":2})"), 415);
    EXPECT_EQ(status(api, "POST", "/_mock/config", {{"content-type", "application/json"}},
                     R"({"tokens":2})"),
              200);
    EXPECT_EQ(status(api, "POST", "/_mock/reset", {}), 200);
}

TEST_F(MockAdminApi, TokenIsCheckedWhenSet) {
    Api api(config("tok"), stats_, log_, quiet_);
    std::string text;
    EXPECT_EQ(status(api, "GET", "/_mock/stats", {}, {}, &text), 401);
    EXPECT_THAT(text, HasSubstr("WWW-Authenticate: Bearer"));
    EXPECT_EQ(status(api, "GET", "/_mock/stats", {{"Authorization", "Bearer nope"}}), 401);
    EXPECT_EQ(status(api, "GET", "/_mock/stats", {{"Authorization", "Bearer tok"}}), 200);
    EXPECT_EQ(status(api, "GET", "/_mock/stats", {{"Authorization", "BEARER   tok"}}), 200);
    EXPECT_EQ(status(api, "GET", "/api/version", {}), 200);
    // The Origin check comes first: a page cannot probe for the token.
    EXPECT_EQ(status(api, "GET", "/_mock/stats",
                     {{"Origin", "http://evil.example"}, {"Authorization", "Bearer tok"}}),
              403);
}

}  // namespace
