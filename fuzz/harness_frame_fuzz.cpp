// Bytes -> the harness's parser of the server's WebSocket text frames (parse_frame), which
// is documented never to throw; then what the client does with a frame: its route key and,
// for a message, its dump. A crash, a hang, UB or an exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto frame = harness::parse_frame(text);
    (void)harness::to_string(frame.kind);
    if (!frame.message.is_null()) {
        (void)frame.message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return 0;
}
