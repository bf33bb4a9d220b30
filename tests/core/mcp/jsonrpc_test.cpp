// JSON-RPC 2.0 codec: every frame sorts into request, notification, response or invalid (with
// the exact error to answer), and the encoders produce compact frames that never throw.
#include "core/jsonrpc.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace {

using core::Incoming;
using core::Invalid;
using core::Notification;
using core::Request;
using core::Response;
using core::RpcCode;
using core::RpcError;
using json = nlohmann::json;

template <typename T>
T as(const Incoming& in, const std::string& frame) {
    const auto* p = std::get_if<T>(&in);
    if (p == nullptr) {
        ADD_FAILURE() << "frame " << frame << " parsed as alternative " << in.index();
        return T{};
    }
    return *p;
}

Invalid invalid(const std::string& frame) {
    return as<Invalid>(core::parse_message(frame), frame);
}

void expect_invalid(const std::string& frame, const json& id, RpcCode code,
                    const std::string& message) {
    const auto got = invalid(frame);
    EXPECT_EQ(got.id, id) << frame;
    EXPECT_EQ(got.error.code, code) << frame;
    EXPECT_EQ(got.error.message, message) << frame;
    EXPECT_TRUE(got.error.data.is_null()) << frame;
}

void expect_invalid_request(const std::string& frame, const json& id, const std::string& what) {
    expect_invalid(frame, id, RpcCode::invalid_request, "Invalid Request: " + what);
}

}  // namespace

// --- requests and notifications ---------------------------------------------------------------

TEST(JsonRpcParse, RequestWithIntegerId) {
    const std::string frame =
        R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}})";
    const auto r = as<Request>(core::parse_message(frame), frame);
    EXPECT_EQ(r.id, json(7));
    EXPECT_TRUE(r.id.is_number_integer());
    EXPECT_EQ(r.method, "tools/call");
    EXPECT_EQ(r.params, json({{"name", "x"}}));
}

TEST(JsonRpcParse, RequestWithStringIdKeepsItExactly) {
    const std::string frame = R"({"jsonrpc":"2.0","id":"abc-ü-1","method":"ping"})";
    const auto r = as<Request>(core::parse_message(frame), frame);
    EXPECT_EQ(r.id, json("abc-ü-1"));
    EXPECT_EQ(r.method, "ping");
    EXPECT_EQ(r.params, json::object()) << "absent params read as {}";
}

TEST(JsonRpcParse, IdsAtTheEdgesOfTheIntegerRangeAndEmptyString) {
    for (const std::string id : {"0", "-1", "9223372036854775807", "-9223372036854775808",
                                 "18446744073709551615", R"("")"}) {
        const std::string frame = R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})";
        const auto r = as<Request>(core::parse_message(frame), frame);
        EXPECT_EQ(r.id.dump(), id);
        EXPECT_EQ(core::result_message(r.id, json::object()),
                  R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":{}})");
    }
}

TEST(JsonRpcParse, ArrayParamsAreAccepted) {
    const std::string frame = R"({"jsonrpc":"2.0","id":1,"method":"m","params":[1,2]})";
    EXPECT_EQ(as<Request>(core::parse_message(frame), frame).params, json({1, 2}));
}

TEST(JsonRpcParse, NotificationHasNoId) {
    const std::string frame = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
    const auto n = as<Notification>(core::parse_message(frame), frame);
    EXPECT_EQ(n.method, "notifications/initialized");
    EXPECT_EQ(n.params, json::object());
}

TEST(JsonRpcParse, NotificationWithParams) {
    const std::string frame =
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})";
    const auto n = as<Notification>(core::parse_message(frame), frame);
    EXPECT_EQ(n.params.at("requestId"), 3);
}

TEST(JsonRpcParse, UnknownMembersAreIgnored) {
    const std::string frame = R"({"jsonrpc":"2.0","id":1,"method":"ping","extra":true})";
    EXPECT_EQ(as<Request>(core::parse_message(frame), frame).method, "ping");
}

TEST(JsonRpcParse, VariantHelpersWorkOnIncoming) {
    const auto in = core::parse_message(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    EXPECT_TRUE(std::holds_alternative<Request>(in));
    const bool visited_request = std::visit(
        [](const auto& m) { return std::is_same_v<std::decay_t<decltype(m)>, Request>; }, in);
    EXPECT_TRUE(visited_request);
}

// --- responses from the client ----------------------------------------------------------------

TEST(JsonRpcParse, ResultResponse) {
    const std::string frame = R"({"jsonrpc":"2.0","id":"s-1","result":{}})";
    const auto r = as<Response>(core::parse_message(frame), frame);
    EXPECT_EQ(r.id, json("s-1"));
    EXPECT_EQ(r.result, json::object());
    EXPECT_FALSE(r.error);
}

TEST(JsonRpcParse, ErrorResponseKeepsAnyCodeAndData) {
    const std::string frame =
        R"({"jsonrpc":"2.0","id":4,"error":{"code":-32001,"message":"nope","data":[1]}})";
    const auto r = as<Response>(core::parse_message(frame), frame);
    EXPECT_EQ(r.id, json(4));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(static_cast<int>(r.error->code), -32001);
    EXPECT_EQ(r.error->message, "nope");
    EXPECT_EQ(r.error->data, json({1}));
}

TEST(JsonRpcParse, ErrorResponseMayHaveANullId) {
    const std::string frame =
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})";
    const auto r = as<Response>(core::parse_message(frame), frame);
    EXPECT_TRUE(r.id.is_null());
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, RpcCode::parse_error);
}

TEST(JsonRpcParse, InvalidResponses) {
    expect_invalid_request(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{}})", 1,
                           "a response must have exactly one of 'result' and 'error'");
    expect_invalid_request(R"({"jsonrpc":"2.0","result":{}})", nullptr,
                           "missing 'id' in a response");
    expect_invalid_request(R"({"jsonrpc":"2.0","id":null,"result":{}})", nullptr,
                           "'id' must be a string or an integer, got null");
    expect_invalid_request(R"({"jsonrpc":"2.0","id":[1],"error":{"code":1,"message":"m"}})",
                           nullptr,
                           "'id' must be a string, an integer or null in an error response, "
                           "got an array");
    const std::string bad_error =
        "'error' must be an object with an integer 'code' and a string 'message'";
    expect_invalid_request(R"({"jsonrpc":"2.0","id":2,"error":"boom"})", 2, bad_error);
    expect_invalid_request(R"({"jsonrpc":"2.0","id":2,"error":{"code":"1","message":"m"}})", 2,
                           bad_error);
    expect_invalid_request(R"({"jsonrpc":"2.0","id":2,"error":{"code":1.5,"message":"m"}})", 2,
                           bad_error);
    expect_invalid_request(R"({"jsonrpc":"2.0","id":2,"error":{"code":1}})", 2, bad_error);
    expect_invalid_request(R"({"jsonrpc":"2.0","id":2,"error":{"code":4294967296,"message":"m"}})",
                           2, bad_error);
    expect_invalid_request(
        R"({"jsonrpc":"2.0","id":2,"error":{"code":18446744073709551615,"message":"m"}})", 2,
        bad_error);
}

// --- every error code, exact messages ---------------------------------------------------------

TEST(JsonRpcParse, UnparsableJsonIsAParseErrorWithNullId) {
    expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":)", nullptr, RpcCode::parse_error,
                   "Parse error: line 1, column 34: syntax error while parsing value - "
                   "unexpected end of input; expected '[', '{', or a literal");
    expect_invalid("", nullptr, RpcCode::parse_error,
                   "Parse error: line 1, column 1: syntax error while parsing value - unexpected "
                   "end of input; expected '[', '{', or a literal");
    expect_invalid(R"({"id":1e400})", nullptr, RpcCode::parse_error,
                   "Parse error: number overflow parsing '1e400'");
}

TEST(JsonRpcParse, ParseErrorsPointAtTheLineOfAPrettyPrintedFrame) {
    const auto got = invalid("{\n  \"jsonrpc\": \"2.0\",\n  \"id\": 1,\n  oops\n}");
    EXPECT_EQ(got.error.code, RpcCode::parse_error);
    EXPECT_THAT(got.error.message, ::testing::StartsWith("Parse error: line 4, column 3: "));
}

TEST(JsonRpcParse, InvalidUtf8IsAParseErrorAndItsMessageStillEncodes) {
    const std::string frame = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xff\"}";
    const auto got = invalid(frame);
    EXPECT_EQ(got.error.code, RpcCode::parse_error);
    EXPECT_THAT(got.error.message, ::testing::HasSubstr("ill-formed UTF-8 byte"));
    EXPECT_TRUE(json::accept(core::error_message(got.id, got.error)));
}

TEST(JsonRpcParse, BatchesAreInvalidRequests) {
    expect_invalid_request(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", nullptr,
                           "batches (JSON arrays) are not supported by MCP");
    expect_invalid_request("[]", nullptr, "batches (JSON arrays) are not supported by MCP");
}

TEST(JsonRpcParse, NonObjectsAreInvalidRequests) {
    expect_invalid_request("42", nullptr, "expected a JSON object, got an integer");
    expect_invalid_request(R"("ping")", nullptr, "expected a JSON object, got a string");
    expect_invalid_request("null", nullptr, "expected a JSON object, got null");
    expect_invalid_request("true", nullptr, "expected a JSON object, got a boolean");
}

TEST(JsonRpcParse, JsonrpcMustBeExactly2_0AndTheIdIsKept) {
    const std::string what = "'jsonrpc' must be \"2.0\"";
    expect_invalid_request(R"({"id":5,"method":"ping"})", 5, what);
    expect_invalid_request(R"({"jsonrpc":"1.0","id":"a","method":"ping"})", "a", what);
    expect_invalid_request(R"({"jsonrpc":2.0,"id":5,"method":"ping"})", 5, what);
    expect_invalid_request(R"({"jsonrpc":"2.0 ","method":"ping"})", nullptr, what);
}

TEST(JsonRpcParse, IdsOfTheWrongTypeAreInvalidWithNullId) {
    const auto check = [](const std::string& id, const std::string& got) {
        expect_invalid_request(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})", nullptr,
                               "'id' must be a string or an integer, got " + got);
    };
    check("true", "a boolean");
    check("{}", "an object");
    check("[1]", "an array");
    check("1.5", "a non-integer number");
    check("2.0", "a non-integer number");
    check("null", "null");  // MCP: request ids must not be null
}

TEST(JsonRpcParse, MethodMustBeAString) {
    expect_invalid_request(R"({"jsonrpc":"2.0","id":3,"method":7})", 3,
                           "'method' must be a string, got an integer");
    expect_invalid_request(R"({"jsonrpc":"2.0","method":null})", nullptr,
                           "'method' must be a string, got null");
}

TEST(JsonRpcParse, MissingMethod) {
    expect_invalid_request(R"({"jsonrpc":"2.0","id":"x"})", "x", "missing 'method'");
}

TEST(JsonRpcParse, ParamsMustBeStructured) {
    expect_invalid_request(R"({"jsonrpc":"2.0","id":1,"method":"m","params":"a"})", 1,
                           "'params' must be an object or an array, got a string");
    expect_invalid_request(R"({"jsonrpc":"2.0","id":1,"method":"m","params":null})", 1,
                           "'params' must be an object or an array, got null");
    expect_invalid_request(R"({"jsonrpc":"2.0","method":"m","params":3})", nullptr,
                           "'params' must be an object or an array, got an integer");
}

TEST(JsonRpcParse, DeepNestingIsRefusedBeforeParsing) {
    const auto depth = core::max_nesting_depth;
    const std::string ok = R"({"jsonrpc":"2.0","id":1,"method":"m","params":)" +
                           std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
    EXPECT_TRUE(std::holds_alternative<Request>(core::parse_message(ok)));
    expect_invalid_request(std::string(1'000'000, '['), nullptr, "nested deeper than 128 levels");
    // Brackets inside strings (escaped quotes included) do not count.
    const std::string in_string = R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":"\")" +
                                  std::string(500, '[') + R"("}})";
    EXPECT_TRUE(std::holds_alternative<Request>(core::parse_message(in_string)));
}

TEST(JsonRpcCodes, HaveTheJsonRpcValues) {
    EXPECT_EQ(static_cast<int>(RpcCode::parse_error), -32700);
    EXPECT_EQ(static_cast<int>(RpcCode::invalid_request), -32600);
    EXPECT_EQ(static_cast<int>(RpcCode::method_not_found), -32601);
    EXPECT_EQ(static_cast<int>(RpcCode::invalid_params), -32602);
    EXPECT_EQ(static_cast<int>(RpcCode::internal_error), -32603);
}

// --- encoders ---------------------------------------------------------------------------------

TEST(JsonRpcEncode, ResultMessage) {
    EXPECT_EQ(core::result_message(7, {{"b", 1}, {"a", "x"}}),
              R"({"jsonrpc":"2.0","id":7,"result":{"a":"x","b":1}})");
    EXPECT_EQ(core::result_message("r1", json::object()),
              R"({"jsonrpc":"2.0","id":"r1","result":{}})");
}

TEST(JsonRpcEncode, ErrorMessageForEveryCode) {
    const std::pair<RpcCode, const char*> codes[] = {{RpcCode::parse_error, "-32700"},
                                                     {RpcCode::invalid_request, "-32600"},
                                                     {RpcCode::method_not_found, "-32601"},
                                                     {RpcCode::invalid_params, "-32602"},
                                                     {RpcCode::internal_error, "-32603"}};
    for (const auto& [code, text] : codes) {
        EXPECT_EQ(core::error_message(nullptr, RpcError{code, "m \"q\""}),
                  std::string(R"({"jsonrpc":"2.0","id":null,"error":{"code":)") + text +
                      R"(,"message":"m \"q\""}})");
    }
}

TEST(JsonRpcEncode, ErrorMessageWithData) {
    EXPECT_EQ(
        core::error_message(
            "a", RpcError{RpcCode::method_not_found, "Method not found: x", {{"method", "x"}}}),
        R"({"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"Method not found: )"
        R"(x","data":{"method":"x"}}})");
}

TEST(JsonRpcEncode, RoundTripsThroughTheParser) {
    const std::string frame = core::error_message(9, RpcError{RpcCode::invalid_params, "bad"});
    const auto r = as<Response>(core::parse_message(frame), frame);
    EXPECT_EQ(r.id, json(9));
    ASSERT_TRUE(r.error);
    EXPECT_EQ(*r.error, (RpcError{RpcCode::invalid_params, "bad"}));
}

TEST(JsonRpcEncode, NotificationAndRequestMessages) {
    EXPECT_EQ(core::notification_message("notifications/progress",
                                         {{"progressToken", "t"}, {"progress", 3}}),
              R"({"jsonrpc":"2.0","method":"notifications/progress","params":)"
              R"({"progress":3,"progressToken":"t"}})");
    EXPECT_EQ(core::notification_message("n", nullptr), R"({"jsonrpc":"2.0","method":"n"})");
    EXPECT_EQ(core::request_message("srv-1", "ping", nullptr),
              R"({"jsonrpc":"2.0","id":"srv-1","method":"ping"})");
    EXPECT_EQ(core::request_message(2, "m", json::object()),
              R"({"jsonrpc":"2.0","id":2,"method":"m","params":{}})");
}

TEST(JsonRpcEncode, NonAsciiStaysUtf8AndInvalidUtf8IsReplacedNotThrown) {
    EXPECT_EQ(core::result_message(1, {{"text", "Zoë 🩺"}}),
              R"({"jsonrpc":"2.0","id":1,"result":{"text":"Zoë 🩺"}})");
    std::string out;
    EXPECT_NO_THROW(out = core::result_message(1, {{"text", std::string("a\xff"
                                                                        "b")}}));
    EXPECT_EQ(out, R"({"jsonrpc":"2.0","id":1,"result":{"text":"a�b"}})");
}
