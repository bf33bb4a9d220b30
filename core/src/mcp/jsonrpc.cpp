#include "core/jsonrpc.hpp"

#include <limits>

#include "common/json_text.hpp"

namespace core {

namespace {

using json = nlohmann::json;

// Never throws on invalid UTF-8 (nlohmann's default would): peer and model text is untrusted.
std::string dump(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string describe_type(const json& value) {
    switch (value.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "an integer";
        case json::value_t::number_float:
            return "a non-integer number";
        case json::value_t::string:
            return "a string";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        default:
            return "an unsupported value";
    }
}

namespace {

bool usable_id(const json& id) {
    return id.is_string() || id.is_number_integer();
}

Invalid invalid_request(Id id, const std::string& what) {
    return Invalid{std::move(id), RpcError{RpcCode::invalid_request, "Invalid Request: " + what}};
}

// "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ..." ->
// "line 1, column 9: syntax error ...": the library's tag means nothing to a client.
std::string where(const json::exception& e) {
    std::string what = e.what();
    if (const auto tag_end = what.find("] "); what.starts_with("[json.") && tag_end != what.npos) {
        what.erase(0, tag_end + 2);
    }
    constexpr std::string_view lead = "parse error at ";
    if (what.starts_with(lead)) what.erase(0, lead.size());
    return what;
}

std::optional<RpcError> parse_error_object(const json& error) {
    if (!error.is_object()) return std::nullopt;
    const auto code = error.find("code");
    const auto message = error.find("message");
    if (code == error.end() || !code->is_number_integer() || message == error.end() ||
        !message->is_string()) {
        return std::nullopt;
    }
    const auto min = static_cast<json::number_integer_t>(std::numeric_limits<int>::min());
    const auto max = static_cast<json::number_integer_t>(std::numeric_limits<int>::max());
    // An unsigned beyond int64 does not fit either; get<> would wrap it.
    if (code->is_number_unsigned() &&
        code->get<json::number_unsigned_t>() > static_cast<json::number_unsigned_t>(max)) {
        return std::nullopt;
    }
    const auto value = code->get<json::number_integer_t>();
    if (value < min || value > max) return std::nullopt;
    RpcError out;
    out.code = static_cast<RpcCode>(static_cast<int>(value));
    out.message = message->get<std::string>();
    if (const auto data = error.find("data"); data != error.end()) out.data = *data;
    return out;
}

Incoming parse_response(json& msg, Id id) {
    const bool has_result = msg.contains("result");
    const bool has_error = msg.contains("error");
    if (has_result && has_error) {
        return invalid_request(std::move(id),
                               "a response must have exactly one of 'result' and 'error'");
    }
    const auto raw_id = msg.find("id");
    if (has_result) {
        if (raw_id == msg.end()) return invalid_request(nullptr, "missing 'id' in a response");
        if (!usable_id(*raw_id)) {
            return invalid_request(
                nullptr, "'id' must be a string or an integer, got " + describe_type(*raw_id));
        }
        return Response{std::move(id), std::move(msg["result"]), std::nullopt};
    }
    // An error response may carry a null (or, leniently, no) id: the peer could not read ours.
    if (raw_id != msg.end() && !raw_id->is_null() && !usable_id(*raw_id)) {
        const std::string what = "'id' must be a string, an integer or null in an error response";
        return invalid_request(nullptr, what + ", got " + describe_type(*raw_id));
    }
    auto error = parse_error_object(msg["error"]);
    if (!error) {
        return invalid_request(
            std::move(id),
            "'error' must be an object with an integer 'code' and a string 'message'");
    }
    return Response{std::move(id), nullptr, std::move(error)};
}

}  // namespace

Incoming parse_message(std::string_view frame) {
    if (!common::json_nesting_within(frame, max_nesting_depth)) {
        return invalid_request(
            nullptr, "nested deeper than " + std::to_string(max_nesting_depth) + " levels");
    }
    json msg;
    try {
        msg = json::parse(frame);
    } catch (const json::exception& e) {
        // parse_error for syntax and UTF-8, out_of_range for a number such as 1e400.
        return Invalid{nullptr, RpcError{RpcCode::parse_error, "Parse error: " + where(e)}};
    }
    if (msg.is_array()) {
        return invalid_request(nullptr, "batches (JSON arrays) are not supported by MCP");
    }
    if (!msg.is_object()) {
        return invalid_request(nullptr, "expected a JSON object, got " + describe_type(msg));
    }

    const auto raw_id = msg.find("id");
    const bool has_id = raw_id != msg.end();
    Id id = has_id && usable_id(*raw_id) ? *raw_id : Id(nullptr);

    const auto version = msg.find("jsonrpc");
    if (version == msg.end() || !version->is_string() || *version != "2.0") {
        return invalid_request(std::move(id), "'jsonrpc' must be \"2.0\"");
    }

    const auto method = msg.find("method");
    if (method == msg.end()) {
        if (msg.contains("result") || msg.contains("error")) {
            return parse_response(msg, std::move(id));
        }
        return invalid_request(std::move(id), "missing 'method'");
    }
    if (has_id && id.is_null()) {
        // MCP forbids a null id on requests (JSON-RPC merely discourages it).
        return invalid_request(
            nullptr, "'id' must be a string or an integer, got " + describe_type(*raw_id));
    }
    if (!method->is_string()) {
        return invalid_request(std::move(id),
                               "'method' must be a string, got " + describe_type(*method));
    }

    json params = json::object();
    if (const auto p = msg.find("params"); p != msg.end()) {
        if (!p->is_object() && !p->is_array()) {
            return invalid_request(
                std::move(id), "'params' must be an object or an array, got " + describe_type(*p));
        }
        params = std::move(*p);
    }
    auto name = method->get<std::string>();
    if (!has_id) return Notification{std::move(name), std::move(params)};
    return Request{std::move(id), std::move(name), std::move(params)};
}

std::string result_message(const Id& id, const nlohmann::json& result) {
    return R"({"jsonrpc":"2.0","id":)" + dump(id) + R"(,"result":)" + dump(result) + "}";
}

std::string error_message(const Id& id, const RpcError& error) {
    std::string out = R"({"jsonrpc":"2.0","id":)" + dump(id) + R"(,"error":{"code":)" +
                      std::to_string(static_cast<int>(error.code)) + R"(,"message":)" +
                      dump(error.message);
    if (!error.data.is_null()) out += R"(,"data":)" + dump(error.data);
    out += "}}";
    return out;
}

std::string request_message(const Id& id, std::string_view method, const nlohmann::json& params) {
    std::string out = R"({"jsonrpc":"2.0","id":)" + dump(id) + R"(,"method":)" + dump(method);
    if (!params.is_null()) out += R"(,"params":)" + dump(params);
    out += "}";
    return out;
}

std::string notification_message(std::string_view method, const nlohmann::json& params) {
    std::string out = R"({"jsonrpc":"2.0","method":)" + dump(method);
    if (!params.is_null()) out += R"(,"params":)" + dump(params);
    out += "}";
    return out;
}

}  // namespace core
