// Bytes -> HttpGuard (core/src/net/http_guard.hpp): an allow-list, a token and the Origin,
// Host and Authorization values, cut from the input. Checked: a refusal is 401 or 403 with a
// message; 401 only when a token is set; a request that passes with a token set carries that
// token; constant_time_equal agrees with ==. A crash, UB or a broken check is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http_fields.hpp"
#include "net/http_guard.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // First byte: bit 0 loopback-only; bits 1..3 which of Origin, Host, Authorization are sent.
    const unsigned flags = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string_view> fields;
    for (int i = 0; i < 5; ++i) {
        const auto nl = rest.find('\n');
        fields.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    const std::string token(fields[1]);
    const core::HttpGuard guard(fields[0], (flags & 1) != 0, token);
    auto sent = [&](int bit, std::size_t i) -> std::optional<std::string_view> {
        if ((flags >> bit & 1) == 0) return std::nullopt;
        return fields[i];
    };
    const auto origin = sent(1, 2), host = sent(2, 3), authorization = sent(3, 4);
    const auto refused = guard.check(origin, host, authorization);
    if (refused) {
        check(refused->status == 401 || refused->status == 403);
        check(!refused->message.empty() && refused->message.size() < 1024);
        check(refused->status != 401 || !token.empty());
    } else if (!token.empty()) {
        check(authorization.has_value() && authorization->find(token) != std::string_view::npos);
    }
    (void)common::http::is_loopback_host(fields[2]);
    check(common::http::constant_time_equal(fields[2], fields[3]) == (fields[2] == fields[3]));
    return 0;
}
