// The HTTP header value rules both guards apply (mcp-server's HTTP transport, mock-ollama's
// admin API): loopback hosts and origins, bearer tokens, the constant-time compare, JSON
// content types. Each with values that pass and values that must not.
#include "common/http_fields.hpp"

#include <gtest/gtest.h>

namespace {

using namespace common::http;

TEST(LoopbackHost, LoopbackNamesWithAndWithoutPort) {
    for (const char* h :
         {"localhost", "LOCALHOST", "localhost:5173", "127.0.0.1", "127.0.0.1:80", "127.1.2.3",
          "127.255.255.255:65535", "[::1]", "[::1]:8080", " localhost\t"}) {
        EXPECT_TRUE(is_loopback_host(h)) << h;
    }
}

TEST(LoopbackHost, EverythingElseIsNot) {
    for (const char* h : {"",
                          "evil.example",
                          "localhost.evil.example",
                          "evil.example:127",
                          "128.0.0.1",
                          "127.0.0",
                          "127.0.0.1.5",
                          "127.0.0.256",
                          "127.0.0.1000",
                          "127..0.1",
                          "127.0.0.1.",
                          "127.0.0.-1",
                          "127.0.0.1:",
                          "127.0.0.1:80x",
                          "localhost:port",
                          "[::1",
                          "[::1]x",
                          "[::1]:",
                          "[::1]:8a",
                          "[::2]",
                          "[::ffff:127.0.0.1]",
                          "0x7f.0.0.1",
                          "::1"}) {
        EXPECT_FALSE(is_loopback_host(h)) << h;
    }
}

TEST(ConstantTimeEqual, EqualOnlyWhenEveryByteAndTheLengthMatch) {
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_FALSE(constant_time_equal("secreT", "secret"));
    EXPECT_FALSE(constant_time_equal("Secret", "secret"));
    EXPECT_FALSE(constant_time_equal("secret2", "secret"));  // longer: a prefix matches
    EXPECT_FALSE(constant_time_equal("secre", "secret"));    // shorter
    EXPECT_FALSE(constant_time_equal("", "secret"));
    EXPECT_FALSE(constant_time_equal("x", ""));
    // A NUL in `given` where `expected` ends must not look like the end of both.
    EXPECT_FALSE(constant_time_equal(std::string_view("secret\0", 7), "secret"));
}

TEST(LoopbackOrigin, SchemeAndALoopbackHostOfAnyPortOnly) {
    for (const auto* o :
         {"http://127.0.0.1", "http://127.0.0.1:8080", "http://127.0.0.2", "https://localhost",
          "http://LocalHost:5173", "http://[::1]", "https://[::1]:443"}) {
        EXPECT_TRUE(is_loopback_origin(o)) << o;
    }
    for (const auto* o :
         {"null", "", "http://evil.example", "http://localhost.evil.example", "http://128.0.0.1",
          "http://127.0.0.1.nip.io", "http://localhost@evil.example", "http://evil@localhost",
          "ftp://localhost", "http://localhost:", "http://localhost:80x", "http://localhost/",
          "http://[::1", "http://[::2]", "file://", "http:/localhost",
          "http://localhost:99999999999"}) {
        EXPECT_FALSE(is_loopback_origin(o)) << o;
    }
}

TEST(JsonContentType, AnyCaseWithParameters) {
    for (const auto* t : {"application/json", "Application/JSON", "application/json; charset=utf-8",
                          "application/json ;charset=UTF-8", " application/json"}) {
        EXPECT_TRUE(is_json_content_type(t)) << t;
    }
    for (const auto* t :
         {"", "text/plain", "application/jsonp", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=a", "application/json-seq", "json"}) {
        EXPECT_FALSE(is_json_content_type(t)) << t;
    }
}

TEST(ConstantTimeEqual, TokensCompareWholeAndExactly) {
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abd", "abc"));
    EXPECT_FALSE(constant_time_equal("ab", "abc"));
    EXPECT_FALSE(constant_time_equal("abcd", "abc"));
    EXPECT_FALSE(constant_time_equal("", "abc"));
}

TEST(BearerToken, SchemeInAnyCaseThenTheToken) {
    EXPECT_EQ(bearer_token("Bearer abc"), "abc");
    EXPECT_EQ(bearer_token("  bearer\tabc  "), "abc");
    EXPECT_EQ(bearer_token("BEARER a b"), "a b");
    EXPECT_EQ(bearer_token("Bearer"), std::nullopt);
    EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
    EXPECT_EQ(bearer_token("Basic abc"), std::nullopt);
    EXPECT_EQ(bearer_token(""), std::nullopt);
}

}  // namespace
