#include "harness/connection.hpp"

#include <algorithm>

#include "common/enum_names.hpp"
#include "common/mcp_protocol.hpp"

namespace harness {

namespace {

// RFC 9110 token characters: what a header name may be made of.
bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool has_control_char(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::size_t> transport_index(std::string_view name) {
    for (std::size_t i = 0; i < kTransportNames.size(); ++i) {
        if (kTransportNames[i] == name) return i;
    }
    return std::nullopt;
}

bool is_protocol_version(std::string_view version) {
    const auto& all = common::mcp::kAllVersions;
    return std::find(all.begin(), all.end(), version) != all.end();
}

std::string protocol_versions_list() {
    return common::spelled_list(common::mcp::kAllVersions);
}

std::string default_protocol_version() {
    return std::string(common::mcp::kSessionVersions.front());
}

std::optional<std::string> transport_of_url(std::string_view url) {
    if (url.starts_with("ws://")) return "ws";
    if (url.starts_with("http://")) return "http";
    return std::nullopt;
}

std::pair<std::string, std::string> parse_header(std::string_view text) {
    const std::string quoted = "--header '" + std::string(text) + "': ";
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument(quoted +
                                    "expected NAME:VALUE (e.g. 'Authorization: Bearer TOKEN')");
    }
    const std::string_view name = trimmed(text.substr(0, colon));
    const std::string_view value = trimmed(text.substr(colon + 1));
    if (name.empty()) throw std::invalid_argument(quoted + "the header name is empty");
    if (!std::all_of(name.begin(), name.end(), is_token_char)) {
        throw std::invalid_argument(quoted + "the header name '" + std::string(name) +
                                    "' may hold only letters, digits and !#$%&'*+-.^_`|~");
    }
    if (has_control_char(value)) {
        throw std::invalid_argument(quoted + "the value holds a control character (CR, LF, ...)");
    }
    return {std::string(name), std::string(value)};
}

}  // namespace harness
