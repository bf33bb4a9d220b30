#include "net/mcp_http_rules.hpp"

#include <array>

#include "common/mcp_protocol.hpp"

namespace core {

namespace mcp = common::mcp;
using nlohmann::json;

namespace {

PostDecision refuse(int status, int code, std::string message) {
    return {PostKind::refused,
            PostRefusal{status, {static_cast<RpcCode>(code), std::move(message)}}};
}

PostDecision mismatch(std::string message) {
    return refuse(400, mcp::kHeaderMismatch, "Header mismatch: " + std::move(message));
}

const json* params_of(const Incoming& in) {
    if (const auto* r = std::get_if<Request>(&in)) return &r->params;
    if (const auto* n = std::get_if<Notification>(&in)) return &n->params;
    return nullptr;
}

const std::string* method_of(const Incoming& in) {
    if (const auto* r = std::get_if<Request>(&in)) return &r->method;
    if (const auto* n = std::get_if<Notification>(&in)) return &n->method;
    return nullptr;
}

// The body's `_meta` protocol version, when it carries one (a stateless request).
const json* stateless_version(const json* params) {
    if (params == nullptr || !params->is_object()) return nullptr;
    const auto meta = params->find("_meta");
    if (meta == params->end() || !meta->is_object()) return nullptr;
    const auto v = meta->find(mcp::kMetaProtocolVersion);
    return v == meta->end() ? nullptr : &*v;
}

std::string shown(std::string_view v) {
    return "'" + std::string(v.substr(0, 100)) + (v.size() > 100 ? "...'" : "'");
}

// 2026-07-28's header checks; nullopt when they pass.
std::optional<PostDecision> check_stateless_headers(const PostHeaders& h, const Incoming& in,
                                                    const json& body_version) {
    if (!h.protocol_version) {
        return mismatch("the MCP-Protocol-Version header is required");
    }
    if (!body_version.is_string() || body_version.get<std::string>() != *h.protocol_version) {
        return mismatch("MCP-Protocol-Version header value " + shown(*h.protocol_version) +
                        " does not match body value " + body_version.dump());
    }
    const auto* request = std::get_if<Request>(&in);
    if (request == nullptr) return std::nullopt;  // Mcp-Method is required for requests
    if (!h.method) return mismatch("the Mcp-Method header is required");
    if (*h.method != request->method) {
        return mismatch("Mcp-Method header value " + shown(*h.method) +
                        " does not match body value '" + request->method + "'");
    }
    static constexpr std::array<std::string_view, 3> kNamed = {"tools/call", "prompts/get",
                                                               "resources/read"};
    bool named = false;
    for (auto m : kNamed) named = named || m == request->method;
    if (!named) return std::nullopt;
    const char* field = request->method == "resources/read" ? "uri" : "name";
    const auto body = request->params.find(field);
    if (!h.name) return mismatch("the Mcp-Name header is required for " + request->method);
    // A name outside visible ASCII must come Base64-encoded (the sentinel form): a raw one is
    // "a header value [that] contains invalid characters".
    for (const char c : *h.name) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u > 0x7E) {
            return mismatch(
                "Mcp-Name header value has a byte outside visible ASCII; send such a "
                "name as =?base64?...?=");
        }
    }
    const auto decoded = decode_header_value(*h.name);
    if (!decoded)
        return mismatch("Mcp-Name header value " + shown(*h.name) + " is not valid Base64");
    if (body == request->params.end() || !body->is_string() ||
        *decoded != body->get<std::string>()) {
        return mismatch("Mcp-Name header value " + shown(*decoded) + " does not match body value " +
                        (body == request->params.end() ? std::string("(absent)") : body->dump()));
    }
    return std::nullopt;
}

}  // namespace

PostDecision decide_post(const PostHeaders& h, const Incoming& in) {
    const json* version = stateless_version(params_of(in));
    // A request carrying the stateless revision's `_meta` is served by it; an Mcp-Session-Id
    // header on it is ignored, as that revision asks of servers.
    if (version != nullptr) {
        if (auto refused = check_stateless_headers(h, in, *version)) return *refused;
        return {PostKind::stateless, std::nullopt};
    }
    if (h.session_id) {
        // A 2025 client inside its session; any 2025 revision's header is taken (clients send
        // the version they were built for, not always the one negotiated).
        if (h.protocol_version && !mcp::is_session_version(*h.protocol_version)) {
            return refuse(400, static_cast<int>(RpcCode::invalid_request),
                          "Bad Request: unsupported MCP-Protocol-Version " +
                              shown(*h.protocol_version) + " for a session");
        }
        return {PostKind::session, std::nullopt};
    }
    const std::string* method = method_of(in);
    if (method != nullptr && *method == "initialize" && std::holds_alternative<Request>(in)) {
        return {PostKind::open, std::nullopt};
    }
    if (h.protocol_version && *h.protocol_version == mcp::kStatelessVersion) {
        // A stateless request must carry its version in `_meta` as well.
        if (std::holds_alternative<Request>(in)) {
            return refuse(400, static_cast<int>(RpcCode::invalid_params),
                          "'_meta." + std::string(mcp::kMetaProtocolVersion) +
                              "' is required on every request of protocol version " +
                              std::string(mcp::kStatelessVersion));
        }
        return {PostKind::stateless, std::nullopt};
    }
    return refuse(400, static_cast<int>(RpcCode::invalid_request),
                  "Bad Request: Mcp-Session-Id header is required. Open a session with "
                  "initialize (protocol 2025-11-25), or send each request with "
                  "_meta." +
                      std::string(mcp::kMetaProtocolVersion) + " = \"" +
                      std::string(mcp::kStatelessVersion) + "\" (stateless)");
}

int status_for_error(int code, bool stateless) {
    if (code == static_cast<int>(RpcCode::parse_error) ||
        code == static_cast<int>(RpcCode::invalid_request)) {
        return 400;
    }
    if (!stateless || code == 0) return 200;
    if (code == static_cast<int>(RpcCode::method_not_found)) return 404;
    if (code == static_cast<int>(RpcCode::invalid_params) || code == mcp::kHeaderMismatch ||
        code == mcp::kMissingRequiredClientCapability || code == mcp::kUnsupportedProtocolVersion) {
        return 400;
    }
    return 200;
}

std::optional<std::string> decode_header_value(std::string_view value) {
    constexpr std::string_view kPrefix = "=?base64?", kSuffix = "?=";
    if (value.size() < kPrefix.size() + kSuffix.size() ||
        value.substr(0, kPrefix.size()) != kPrefix ||
        value.substr(value.size() - kSuffix.size()) != kSuffix) {
        return std::string(value);
    }
    value = value.substr(kPrefix.size(), value.size() - kPrefix.size() - kSuffix.size());
    std::string out;
    unsigned bits = 0;
    int nbits = 0;
    std::size_t pad = 0;
    for (const char c : value) {
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+')
            v = 62;
        else if (c == '/')
            v = 63;
        else if (c == '=') {
            ++pad;
            continue;
        } else
            return std::nullopt;
        if (pad > 0) return std::nullopt;  // data after padding
        bits = (bits << 6) | static_cast<unsigned>(v);
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out += static_cast<char>((bits >> nbits) & 0xFF);
        }
    }
    if (pad > 2 || (value.size() % 4) != 0) return std::nullopt;
    return out;
}

}  // namespace core
