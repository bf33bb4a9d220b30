// The header values and error texts of the harness's Streamable HTTP transport.
#include "client/http_text.hpp"

#include <gtest/gtest.h>

namespace harness {
namespace {

TEST(HeaderValue, PlainAsciiGoesAsIsAndAnythingElseAsTheBase64Sentinel) {
    EXPECT_EQ(header_value("generate_summary"), "generate_summary");
    EXPECT_EQ(header_value("Müller"), "=?base64?TcO8bGxlcg==?=");
    EXPECT_EQ(header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
    EXPECT_EQ(header_value(""), "=?base64?" "?=");  // split: "??=" would be a trigraph
}

// 2026-07-28: "clients MUST also Base64-encode any plain-ASCII value that matches the sentinel
// pattern", or the server would decode it into something else ("=?base64?QQ==?=" -> "A").
TEST(HeaderValue, AValueThatLooksLikeTheSentinelIsEncodedToo) {
    EXPECT_EQ(header_value("=?base64?QQ==?="), "=?base64?PT9iYXNlNjQ/UVE9PT89?=");
    EXPECT_EQ(header_value("=?base64?"), "=?base64?");  // no closing marker: not the pattern
}

TEST(LooksLikeJsonRpc, ObjectsNamingJsonrpcOnly) {
    EXPECT_TRUE(looks_like_json_rpc(R"( {"jsonrpc":"2.0","id":null,"error":{}})"));
    EXPECT_FALSE(looks_like_json_rpc("Origin not allowed\n"));
    EXPECT_FALSE(looks_like_json_rpc(R"(["jsonrpc"])"));
    EXPECT_FALSE(looks_like_json_rpc(""));
}

TEST(DescribeHttpError, NamesTheStatusAndTheJsonRpcError) {
    const auto text = describe_http_error(
        404, "Not Found", R"({"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"nope"}})");
    EXPECT_NE(text.find("404"), std::string::npos) << text;
    EXPECT_NE(text.find("-32601"), std::string::npos) << text;
    EXPECT_NE(text.find("nope"), std::string::npos) << text;
}

}  // namespace
}  // namespace harness
