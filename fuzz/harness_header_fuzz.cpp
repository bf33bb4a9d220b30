// Bytes -> the harness's --header parser (parse_header): it either refuses with
// std::invalid_argument or returns a name made only of token characters and a value with no
// CR, LF or other control character (so one header can never smuggle in another). A crash,
// UB, another exception or a returned header breaking that rule is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "harness/connection.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto [name, value] = harness::parse_header(text);
        if (name.empty()) std::abort();
        for (const char c : name + value) {
            const auto u = static_cast<unsigned char>(c);
            if (u == '\r' || u == '\n' || u == 0 || u == 0x7f) std::abort();
        }
        for (const char c : name) {
            if (c == ':' || c == ' ') std::abort();
        }
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
