// Bytes -> the Streamable HTTP rules of one POST (core/src/net/mcp_http_rules.hpp): header
// values and a body cut from the input go through decide_post, and the input itself through
// decode_header_value. Checked: a decision is refused exactly when it carries a refusal, with
// a 400 status and a code whose error status is 400 too; and any bytes, Base64-encoded and
// wrapped in the sentinel, decode back to themselves. A crash, UB or a broken check is a
// finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/mcp_http_rules.hpp"

namespace {

// Written here rather than taken from the harness (harness::header_value): the oracle shares no
// code with either side of the exchange.
std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Mcp-Name's decoding: no crash on anything; a sentinel-wrapped encoding round-trips.
    (void)core::decode_header_value(input);
    const auto round = core::decode_header_value("=?base64?" + base64(input) + "?=");
    check(round.has_value() && *round == input);

    // Four header values and a body, separated by '\n'; the first byte says which headers are
    // present (bit i: field i).
    if (size == 0) return 0;
    const unsigned present = data[0];
    std::vector<std::string_view> fields;
    std::string_view rest = input.substr(1);
    for (int i = 0; i < 4; ++i) {
        const auto nl = rest.find('\n');
        fields.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    auto field = [&](int i) -> std::optional<std::string_view> {
        if ((present >> i & 1) == 0) return std::nullopt;
        return fields[static_cast<std::size_t>(i)];
    };
    const core::PostHeaders headers{field(0), field(1), field(2), field(3)};
    const core::Incoming in = core::parse_message(rest);
    if (std::holds_alternative<core::Invalid>(in)) return 0;  // answered before the rules
    const auto d = core::decide_post(headers, in);
    check((d.kind == core::PostKind::refused) == d.refusal.has_value());
    if (d.refusal) {
        check(d.refusal->status == 400);
        const int code = static_cast<int>(d.refusal->error.code);
        check(core::status_for_error(code, true) == 400);
        check(!d.refusal->error.message.empty());
    }
    check(d.kind != core::PostKind::session || headers.session_id.has_value());
    return 0;
}
