// Bytes -> the client's WebSocket frame reader (what a server sends after the handshake),
// taken in one piece and again a chunk at a time the way McpClient reads (append what
// arrived, take the events, drop what they used): the events and the error must not depend
// on where the reads ended. A message is never longer than the limit. Then the same bytes as
// a payload through the frame writer, unmasked again: the reader must get them back whole.
// A crash, a hang, UB, an exception or a difference is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "client/ws_frame.hpp"

namespace {

using harness::ws::Event;
using harness::ws::FrameReader;

constexpr std::size_t kMax = 300;  // small, so that the limit is exercised too

void take(FrameReader& r, std::string_view data, std::size_t* used, std::vector<std::string>& out) {
    while (auto e = r.next(data, used)) {
        if (e->kind == Event::Kind::message && e->payload.size() > kMax) std::abort();
        std::string line = std::to_string(static_cast<int>(e->kind)) + ':' + (e->text ? "t" : "b") +
                           ':' + std::string(e->payload) + ':' + std::to_string(e->close_code) +
                           ':' + std::string(e->close_reason) + ':' + e->error + ':' +
                           std::to_string(e->error_close_code);
        out.push_back(std::move(line));
        if (e->kind == Event::Kind::error) return;
    }
}

bool ended_in_error(const std::vector<std::string>& events) {
    return !events.empty() &&
           events.back().rfind(std::to_string(static_cast<int>(Event::Kind::error)) + ':', 0) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t step = 1 + data[0] % 17;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::vector<std::string> whole;
    {
        FrameReader r(kMax);
        std::size_t used = 0;
        take(r, bytes, &used, whole);
    }
    std::vector<std::string> pieces;
    {
        FrameReader r(kMax);
        std::string buffer;
        for (std::size_t at = 0; at < bytes.size() && !ended_in_error(pieces); at += step) {
            buffer.append(bytes.substr(at, step));
            std::size_t used = 0;
            take(r, buffer, &used, pieces);
            buffer.erase(0, used);
        }
    }
    if (whole != pieces) std::abort();

    // The writer: a masked text frame of these bytes, turned back into a server's frame.
    std::string framed;
    const std::uint32_t mask = size >= 5
                                   ? (std::uint32_t{data[1]} << 24 | std::uint32_t{data[2]} << 16 |
                                      std::uint32_t{data[3]} << 8 | data[4])
                                   : 0x12345678;
    harness::ws::append_frame(framed, harness::ws::Opcode::binary, bytes, mask);
    const auto* f = reinterpret_cast<const unsigned char*>(framed.data());
    if ((f[1] & 0x80) == 0) std::abort();  // a client's frames are masked
    const std::size_t len7 = f[1] & 0x7F;
    const std::size_t header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
    if (framed.size() != header + 4 + bytes.size()) std::abort();
    std::string server = framed.substr(0, header);
    server[1] = static_cast<char>(server[1] & 0x7F);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        server.push_back(static_cast<char>(framed[header + 4 + i] ^ framed[header + (i % 4)]));
    }
    FrameReader back(1 << 20);
    std::size_t used = 0;
    const auto e = back.next(server, &used);
    if (!e || e->kind != Event::Kind::message || e->text || e->payload != bytes ||
        used != server.size()) {
        std::abort();
    }
    return 0;
}
