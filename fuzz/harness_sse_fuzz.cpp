// Bytes -> the harness's text/event-stream parser (a Streamable HTTP server's answer), fed in
// one piece and again cut at a position the input chooses and a byte at a time: the events,
// the verdict and the error must not depend on where the stream was cut. A crash, a hang, UB,
// an exception or a difference is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "client/sse_parser.hpp"

namespace {

struct Outcome {
    std::vector<std::string> events;  // type, id and data of each, joined
    bool ok = true;
    std::string error;
    bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view text, const std::vector<std::size_t>& cuts) {
    harness::SseParser parser(256);  // small, so that the bound is exercised too
    Outcome out;
    std::size_t at = 0;
    auto feed = [&](std::string_view piece) {
        if (!out.ok) return;
        out.ok = parser.feed(piece, [&](const harness::SseEvent& e) {
            out.events.push_back(std::string(e.type) + '\x1f' + std::string(e.id) + '\x1f' +
                                 std::string(e.data));
        });
    };
    for (const std::size_t cut : cuts) {
        feed(text.substr(at, cut - at));
        at = cut;
    }
    feed(text.substr(at));
    if (out.ok) out.ok = parser.finish();
    out.error = parser.error();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte chooses the cut; the rest is the stream.
    const std::size_t choose = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const Outcome whole = run(text, {});
    const Outcome two = run(text, {text.empty() ? 0 : choose % (text.size() + 1)});
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < text.size(); ++i) every.push_back(i);
    const Outcome bytes = run(text, every);
    if (!(whole == two) || !(whole == bytes)) std::abort();
    return 0;
}
