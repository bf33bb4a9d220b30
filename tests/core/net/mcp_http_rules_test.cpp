// The Streamable HTTP rules of one POST: which revision serves it, the 2026-07-28 header checks
// (-32020 HeaderMismatch), the HTTP status of a JSON-RPC error, and Mcp-Name's Base64 form.
#include "net/mcp_http_rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/mcp_protocol.hpp"

namespace {

using namespace core;
using nlohmann::json;
using ::testing::HasSubstr;
namespace mcp = common::mcp;

constexpr std::string_view kModern = mcp::kStatelessVersion;

json modern_meta(json version = std::string(kModern)) {
    return {{std::string(mcp::kMetaProtocolVersion), std::move(version)},
            {std::string(mcp::kMetaClientCapabilities), json::object()}};
}

Incoming request(std::string method, json params = json::object()) {
    return Request{Id(1), std::move(method), std::move(params)};
}

// A stateless request: `params` with the 2026-07-28 `_meta`.
Incoming modern(std::string method, json params = json::object()) {
    params["_meta"] = modern_meta();
    return request(std::move(method), std::move(params));
}

// Headers that match `method` (and the name, when given).
PostHeaders modern_headers(std::string_view method, std::optional<std::string_view> name = {}) {
    return {std::nullopt, kModern, method, name};
}

void expect_refused(const PostDecision& d, int status, int code, std::string_view text) {
    ASSERT_EQ(d.kind, PostKind::refused);
    ASSERT_TRUE(d.refusal.has_value());
    EXPECT_EQ(d.refusal->status, status);
    EXPECT_EQ(static_cast<int>(d.refusal->error.code), code);
    EXPECT_THAT(d.refusal->error.message, HasSubstr(std::string(text)));
}

TEST(DecidePost, ASessionIdGoesToItsSessionUnlessTheBodyIsModern) {
    const PostHeaders h{"abc", std::nullopt, std::nullopt, std::nullopt};
    EXPECT_EQ(decide_post(h, request("tools/list")).kind, PostKind::session);
    EXPECT_EQ(decide_post(h, request("initialize")).kind, PostKind::session);
    EXPECT_EQ(decide_post(h, Notification{"notifications/initialized", json::object()}).kind,
              PostKind::session);
}

TEST(DecidePost, ModernMetaIsStatelessAndTheSessionIdIsIgnored) {
    // 2026-07-28: a server receiving Mcp-Session-Id on such a request ignores it.
    const PostHeaders h{"abc", kModern, "tools/list", std::nullopt};
    EXPECT_EQ(decide_post(h, modern("tools/list")).kind, PostKind::stateless);
    // Its header checks still apply.
    expect_refused(
        decide_post({"abc", std::nullopt, std::nullopt, std::nullopt}, modern("tools/list")), 400,
        mcp::kHeaderMismatch, "MCP-Protocol-Version header is required");
}

TEST(DecidePost, EverySessionRevisionIsAcceptedInASession) {
    for (auto v : mcp::kSessionVersions) {
        const PostHeaders h{"abc", v, std::nullopt, std::nullopt};
        EXPECT_EQ(decide_post(h, request("tools/list")).kind, PostKind::session) << v;
    }
}

TEST(DecidePost, AnotherVersionHeaderInASessionIs400) {
    for (std::string_view v : {"1999-01-01", "2026-07-28", "", "2025-11-25 "}) {
        const PostHeaders h{"abc", v, std::nullopt, std::nullopt};
        expect_refused(decide_post(h, request("tools/list")), 400,
                       static_cast<int>(RpcCode::invalid_request),
                       "unsupported MCP-Protocol-Version");
    }
}

TEST(DecidePost, InitializeWithoutASessionOpensOne) {
    const PostHeaders none{};
    EXPECT_EQ(decide_post(none, request("initialize", {{"protocolVersion", "2025-11-25"}})).kind,
              PostKind::open);
    // A notification named initialize is not a request: no session for it.
    expect_refused(decide_post(none, Notification{"initialize", json::object()}), 400,
                   static_cast<int>(RpcCode::invalid_request), "Mcp-Session-Id header is required");
}

TEST(DecidePost, NoSessionAndNoModernMetaIs400NamingBothWays) {
    const PostHeaders none{};
    for (const Incoming& in :
         {request("tools/list"), Incoming{Notification{"notifications/initialized", {}}},
          Incoming{Response{Id(3), json::object(), std::nullopt}}}) {
        const auto d = decide_post(none, in);
        expect_refused(d, 400, static_cast<int>(RpcCode::invalid_request),
                       "Mcp-Session-Id header is required");
        EXPECT_THAT(d.refusal->error.message, HasSubstr("initialize"));
        EXPECT_THAT(d.refusal->error.message, HasSubstr(std::string(kModern)));
    }
    // An old version header changes nothing.
    expect_refused(decide_post({std::nullopt, "2025-11-25", std::nullopt, std::nullopt},
                               request("tools/list")),
                   400, static_cast<int>(RpcCode::invalid_request), "Mcp-Session-Id");
}

TEST(DecidePost, ModernHeaderWithoutModernMetaOnARequestIs32602) {
    const auto d = decide_post(modern_headers("tools/list"), request("tools/list"));
    expect_refused(d, 400, static_cast<int>(RpcCode::invalid_params), "is required on every");
    // `_meta` present but without the version is the same.
    expect_refused(decide_post(modern_headers("tools/list"),
                               request("tools/list", {{"_meta", {{"progressToken", 1}}}})),
                   400, static_cast<int>(RpcCode::invalid_params), "is required on every");
    // A notification with the header alone is stateless (and answered 202).
    EXPECT_EQ(decide_post(modern_headers("x"), Notification{"notifications/cancelled", {}}).kind,
              PostKind::stateless);
}

TEST(DecidePost, StatelessRequestWithMatchingHeadersPasses) {
    EXPECT_EQ(decide_post(modern_headers("tools/list"), modern("tools/list")).kind,
              PostKind::stateless);
    EXPECT_EQ(decide_post(modern_headers("server/discover"), modern("server/discover")).kind,
              PostKind::stateless);
    EXPECT_EQ(decide_post(modern_headers("tools/call", "generate_summary"),
                          modern("tools/call", {{"name", "generate_summary"}}))
                  .kind,
              PostKind::stateless);
    EXPECT_EQ(decide_post(modern_headers("resources/read", "file:///a b"),
                          modern("resources/read", {{"uri", "file:///a b"}}))
                  .kind,
              PostKind::stateless);
    EXPECT_EQ(
        decide_post(modern_headers("prompts/get", "p"), modern("prompts/get", {{"name", "p"}}))
            .kind,
        PostKind::stateless);
    // Even an initialize with modern `_meta` is served statelessly (and answered -32601 there).
    EXPECT_EQ(decide_post(modern_headers("initialize"), modern("initialize")).kind,
              PostKind::stateless);
}

TEST(DecidePost, StatelessNotificationNeedsNoMethodHeader) {
    Notification n{"notifications/cancelled", {{"_meta", modern_meta()}}};
    EXPECT_EQ(decide_post({std::nullopt, kModern, std::nullopt, std::nullopt}, n).kind,
              PostKind::stateless);
}

TEST(DecidePost, MissingVersionHeaderIs32020) {
    expect_refused(decide_post({}, modern("tools/list")), 400, mcp::kHeaderMismatch,
                   "MCP-Protocol-Version header is required");
}

TEST(DecidePost, VersionHeaderNotMatchingTheBodyIs32020) {
    expect_refused(
        decide_post({std::nullopt, "2025-11-25", "tools/list", std::nullopt}, modern("tools/list")),
        400, mcp::kHeaderMismatch, "does not match body value \"2026-07-28\"");
    // A body version that is not a string never matches.
    json params = {{"_meta", modern_meta(20260728)}};
    expect_refused(decide_post(modern_headers("tools/list"), request("tools/list", params)), 400,
                   mcp::kHeaderMismatch, "does not match body value 20260728");
    // Header and body agree on an unsupported version: the headers pass; McpSession answers
    // -32022 (tested there).
    params = {{"_meta", modern_meta("1999-01-01")}};
    EXPECT_EQ(decide_post({std::nullopt, "1999-01-01", "tools/list", std::nullopt},
                          request("tools/list", params))
                  .kind,
              PostKind::stateless);
}

TEST(DecidePost, MethodHeaderMissingOrDifferentIs32020) {
    expect_refused(
        decide_post({std::nullopt, kModern, std::nullopt, std::nullopt}, modern("tools/list")), 400,
        mcp::kHeaderMismatch, "Mcp-Method header is required");
    expect_refused(decide_post(modern_headers("tools/call"), modern("tools/list")), 400,
                   mcp::kHeaderMismatch,
                   "Mcp-Method header value 'tools/call' does not match body value 'tools/list'");
    expect_refused(decide_post(modern_headers("Tools/List"), modern("tools/list")), 400,
                   mcp::kHeaderMismatch, "Mcp-Method");
}

TEST(DecidePost, NameHeaderOfNamedMethodsIsChecked) {
    const auto call = modern("tools/call", {{"name", "generate_summary"}});
    expect_refused(decide_post(modern_headers("tools/call"), call), 400, mcp::kHeaderMismatch,
                   "Mcp-Name header is required for tools/call");
    expect_refused(decide_post(modern_headers("tools/call", "get_patient_summary"), call), 400,
                   mcp::kHeaderMismatch,
                   "'get_patient_summary' does not match body value \"generate_summary\"");
    expect_refused(decide_post(modern_headers("tools/call", "=?base64?!!!!?="), call), 400,
                   mcp::kHeaderMismatch, "is not valid Base64");
    // The body's name absent or not a string.
    expect_refused(
        decide_post(modern_headers("tools/call", "x"), modern("tools/call", json::object())), 400,
        mcp::kHeaderMismatch, "(absent)");
    expect_refused(
        decide_post(modern_headers("tools/call", "7"), modern("tools/call", {{"name", 7}})), 400,
        mcp::kHeaderMismatch, "does not match body value 7");
    // resources/read compares the uri, not a name.
    expect_refused(decide_post(modern_headers("resources/read", "n"),
                               modern("resources/read", {{"name", "n"}, {"uri", "u"}})),
                   400, mcp::kHeaderMismatch, "Mcp-Name");
    // Other methods ignore it.
    EXPECT_EQ(decide_post(modern_headers("tools/list", "whatever"), modern("tools/list")).kind,
              PostKind::stateless);
}

TEST(DecidePost, Base64NameMatchingTheBodyPasses) {
    // "generate_summary"
    EXPECT_EQ(decide_post(modern_headers("tools/call", "=?base64?Z2VuZXJhdGVfc3VtbWFyeQ==?="),
                          modern("tools/call", {{"name", "generate_summary"}}))
                  .kind,
              PostKind::stateless);
    // A non-ASCII name ("Müller") can only travel this way.
    EXPECT_EQ(decide_post(modern_headers("tools/call", "=?base64?TcO8bGxlcg==?="),
                          modern("tools/call", {{"name", "M\xc3\xbcller"}}))
                  .kind,
              PostKind::stateless);
}

// 2026-07-28, Server Validation: a header value with invalid characters (outside visible ASCII,
// space and tab) is a validation failure even when it equals the body's value; such a name
// must travel Base64-encoded.
TEST(DecidePost, RawNonAsciiNameIsRefusedEvenWhenItMatches) {
    const std::string name = "M\xc3\xbcller";
    expect_refused(
        decide_post(modern_headers("tools/call", name), modern("tools/call", {{"name", name}})),
        400, mcp::kHeaderMismatch, "Mcp-Name");
}

TEST(DecidePost, LongHeaderValuesAreQuotedShort) {
    const std::string long_method(1000, 'm');
    const auto d = decide_post(modern_headers(long_method), modern("tools/list"));
    ASSERT_EQ(d.kind, PostKind::refused);
    EXPECT_LT(d.refusal->error.message.size(), 300u);
    EXPECT_THAT(d.refusal->error.message, HasSubstr("...'"));
}

TEST(StatusForError, SessionsAnswer200ExceptForMalformedMessages) {
    EXPECT_EQ(status_for_error(0, false), 200);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::parse_error), false), 400);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::invalid_request), false), 400);
    for (int code :
         {static_cast<int>(RpcCode::method_not_found), static_cast<int>(RpcCode::invalid_params),
          static_cast<int>(RpcCode::internal_error), -32000, mcp::kHeaderMismatch,
          mcp::kUnsupportedProtocolVersion}) {
        EXPECT_EQ(status_for_error(code, false), 200) << code;
    }
}

TEST(StatusForError, StatelessAnswersAsThe2026RevisionRequires) {
    EXPECT_EQ(status_for_error(0, true), 200);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::parse_error), true), 400);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::invalid_request), true), 400);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::method_not_found), true), 404);
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::invalid_params), true), 400);
    EXPECT_EQ(status_for_error(mcp::kHeaderMismatch, true), 400);
    EXPECT_EQ(status_for_error(mcp::kMissingRequiredClientCapability, true), 400);
    EXPECT_EQ(status_for_error(mcp::kUnsupportedProtocolVersion, true), 400);
    // A server-side failure (a limit, an internal error) is not the request's fault.
    EXPECT_EQ(status_for_error(static_cast<int>(RpcCode::internal_error), true), 200);
    EXPECT_EQ(status_for_error(-32000, true), 200);
}

TEST(DecodeHeaderValue, NonSentinelValuesAreThemselves) {
    for (std::string_view v :
         {"", "generate_summary", "=?base64?", "?=", "=?base64?=", "=?BASE64?QQ==?=",
          "=?base64?QQ==", "x=?base64?QQ==?=", "=?base64?QQ==?= "}) {
        const auto d = decode_header_value(v);
        ASSERT_TRUE(d) << v;
        EXPECT_EQ(*d, v);
    }
}

TEST(DecodeHeaderValue, WellFormedBase64Decodes) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"=?base64?"
         "?=",
         ""},
        {"=?base64?QQ==?=", "A"},
        {"=?base64?QUI=?=", "AB"},
        {"=?base64?QUJD?=", "ABC"},
        {"=?base64?QUJDRA==?=", "ABCD"},
        {"=?base64?+/8=?=", "\xfb\xff"},
        {"=?base64?AA==?=", std::string_view("\0", 1)},
        // The revision's own examples.
        {"=?base64?SGVsbG8sIOS4lueVjA==?=", "Hello, \xe4\xb8\x96\xe7\x95\x8c"},
        {"=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=", "=?base64?literal?="},
    };
    for (const auto& [in, out] : cases) {
        const auto d = decode_header_value(in);
        ASSERT_TRUE(d) << in;
        EXPECT_EQ(*d, out) << in;
    }
}

TEST(DecodeHeaderValue, MalformedBase64IsNullopt) {
    for (std::string_view v : {
             "=?base64?QQ?=",        // no padding: length not a multiple of 4
             "=?base64?QQ=?=",       // short padding
             "=?base64?Q===?=",      // three pad characters
             "=?base64?====?=",      // padding only
             "=?base64?=?=",         // a lone pad (prefix and suffix overlap otherwise)
             "=?base64?QQ=A?=",      // data after '='
             "=?base64?QQ==QUJD?=",  // a second group after padding
             "=?base64?Q=Q=?=",      // data between pads
             "=?base64?QUJ?=",       // three characters
             "=?base64?QUJDR?=",     // five
             "=?base64?QU JD?=",     // a space
             "=?base64?QU-D?=",      // base64url alphabet
             "=?base64?QU_D?=",
             "=?base64?QUJD\n?=",
             "=?base64?QUJ\xff?=",
             "=?base64???"
             "?=",
         }) {
        EXPECT_FALSE(decode_header_value(v)) << v;
    }
}

}  // namespace
