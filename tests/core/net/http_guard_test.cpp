// HttpGuard: the Origin allow-list, the Host check of a loopback-bound server, and the bearer
// token; each branch with a value that passes and one that must not.
#include "net/http_guard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using core::HttpGuard;
using ::testing::HasSubstr;

TEST(HttpGuard, NoHeadersPassWhenNoTokenIsSet) {
    const HttpGuard guard("", true, "");
    EXPECT_FALSE(guard.check(std::nullopt, std::nullopt, std::nullopt));
    EXPECT_FALSE(guard.requires_token());
}

TEST(HttpGuard, LoopbackOriginsPassAndOthersAre403) {
    const HttpGuard guard("", true, "");
    for (const char* o : {"http://localhost:5173", "http://127.0.0.1", "http://[::1]:8080",
                          "https://localhost", "HTTP://LOCALHOST:3000", "https://127.0.0.2:1"}) {
        EXPECT_FALSE(guard.check(o, "127.0.0.1:8765", std::nullopt)) << o;
    }
    for (const char* o : {"http://evil.example", "null", "", "http://localhost.evil.example",
                          "http://localhost/path", "http://localhost:5173/", "ftp://localhost",
                          "http://user@localhost", "localhost", "http://127.0.0.1.evil.example",
                          "https://app.example"}) {
        const auto r = guard.check(o, "127.0.0.1:8765", std::nullopt);
        ASSERT_TRUE(r) << o;
        EXPECT_EQ(r->status, 403) << o;
        EXPECT_THAT(r->message, HasSubstr("--allowed-origins")) << o;
    }
}

TEST(HttpGuard, AllowedOriginsAreMatchedWithoutCaseOrTrailingSlash) {
    const HttpGuard guard(" https://app.example/ , HTTPS://Other.Example:8443,,", true, "");
    EXPECT_FALSE(guard.check("https://app.example", std::nullopt, std::nullopt));
    EXPECT_FALSE(guard.check("https://APP.example", std::nullopt, std::nullopt));
    EXPECT_FALSE(guard.check("https://other.example:8443", std::nullopt, std::nullopt));
    EXPECT_FALSE(guard.check("http://localhost:1", std::nullopt, std::nullopt));    // still
    EXPECT_TRUE(guard.check("http://app.example", std::nullopt, std::nullopt));     // scheme
    EXPECT_TRUE(guard.check("https://other.example", std::nullopt, std::nullopt));  // port
    EXPECT_TRUE(guard.check("https://app.example.evil", std::nullopt, std::nullopt));
}

TEST(HttpGuard, StarAllowsAnyOrigin) {
    const HttpGuard guard("https://a.example,*", true, "");
    EXPECT_FALSE(guard.check("http://evil.example", std::nullopt, std::nullopt));
    EXPECT_FALSE(guard.check("null", std::nullopt, std::nullopt));
}

TEST(HttpGuard, HostIsCheckedOnlyWhenBoundToLoopback) {
    const HttpGuard loopback("", true, "");
    const auto r = loopback.check(std::nullopt, "evil.example", std::nullopt);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_THAT(r->message, HasSubstr("evil.example"));
    EXPECT_FALSE(loopback.check(std::nullopt, "localhost:8765", std::nullopt));
    EXPECT_FALSE(loopback.check(std::nullopt, std::nullopt, std::nullopt));

    const HttpGuard anywhere("", false, "");
    EXPECT_FALSE(anywhere.check(std::nullopt, "evil.example", std::nullopt));
    // The Origin is checked whatever the address.
    EXPECT_TRUE(anywhere.check("http://evil.example", "evil.example", std::nullopt));
}

TEST(HttpGuard, OriginIsCheckedBeforeHostAndToken) {
    const HttpGuard guard("", true, "secret");
    const auto r = guard.check("http://evil.example", "evil.example", std::nullopt);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    EXPECT_THAT(r->message, HasSubstr("Origin"));
    const auto h = guard.check(std::nullopt, "evil.example", std::nullopt);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 403);
    EXPECT_THAT(h->message, HasSubstr("Host"));
}

TEST(HttpGuard, BearerTokenIsRequiredWhenSet) {
    const HttpGuard guard("", true, "secret");
    EXPECT_TRUE(guard.requires_token());
    EXPECT_FALSE(guard.check(std::nullopt, std::nullopt, "Bearer secret"));
    EXPECT_FALSE(guard.check(std::nullopt, std::nullopt, "bearer secret"));
    EXPECT_FALSE(guard.check(std::nullopt, std::nullopt, "  BEARER   secret  "));

    const auto none = guard.check(std::nullopt, std::nullopt, std::nullopt);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    EXPECT_THAT(none->message, HasSubstr("requires a bearer token"));

    for (const char* a : {"", "Bearer", "Bearer ", "Basic c2VjcmV0", "secret", "Bearersecret"}) {
        const auto r = guard.check(std::nullopt, std::nullopt, a);
        ASSERT_TRUE(r) << a;
        EXPECT_EQ(r->status, 401) << a;
        EXPECT_THAT(r->message, HasSubstr("must be 'Bearer <token>'")) << a;
    }
    for (const char* a : {"Bearer secre", "Bearer secret2", "Bearer SECRET", "Bearer s ecret"}) {
        const auto r = guard.check(std::nullopt, std::nullopt, a);
        ASSERT_TRUE(r) << a;
        EXPECT_EQ(r->status, 401) << a;
        EXPECT_THAT(r->message, HasSubstr("not the one")) << a;
    }
}

TEST(HttpGuard, RefusalsQuoteAtMost200BytesOfTheHeader) {
    const HttpGuard guard("", true, "");
    const std::string huge = "http://" + std::string(5000, 'e') + ".example";
    const auto r = guard.check(huge, std::nullopt, std::nullopt);
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 500u);
}

}  // namespace
