#include "client/http_text.hpp"

#include <nlohmann/json.hpp>

namespace harness {

namespace {

std::string printable(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
    return out;
}

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
                kAlphabet[n & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned n = static_cast<unsigned char>(in[i]) << 16;
        out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                           (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
    }
    return out;
}

}  // namespace

std::string describe_http_error(unsigned status, std::string_view reason, std::string_view body) {
    std::string out = "HTTP " + std::to_string(status);
    if (!reason.empty()) out += " " + std::string(reason);
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.contains("error") && json["error"].is_object()) {
        const auto& e = json["error"];
        out += ": JSON-RPC error";
        if (e.contains("code")) out += " " + e["code"].dump();
        if (e.contains("message") && e["message"].is_string()) {
            out += ": " + e["message"].get<std::string>();
        }
        return out;
    }
    const std::string text = printable(body);
    if (!text.empty()) out += ": " + text;
    return out;
}

bool looks_like_json_rpc(std::string_view body) {
    const auto start = body.find_first_not_of(" \t\r\n");
    return start != std::string_view::npos && body[start] == '{' &&
           body.find("\"jsonrpc\"") != std::string_view::npos;
}

std::string header_value(std::string_view value) {
    bool plain = !value.empty() && value.front() != ' ' && value.front() != '\t' &&
                 value.back() != ' ' && value.back() != '\t';
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (!(u == '\t' || (u >= 0x20 && u <= 0x7e))) plain = false;
    }
    // A plain value that looks like the sentinel would be decoded by the server: 2026-07-28
    // says such values are encoded too.
    if (value.starts_with("=?base64?") && value.ends_with("?=")) plain = false;
    return plain ? std::string(value) : "=?base64?" + base64(value) + "?=";
}

}  // namespace harness
