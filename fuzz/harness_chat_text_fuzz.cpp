// Bytes -> what `mcp-harness chat` reads from outside: the server's search result (parse_hits,
// then a pick against those hits), any server text made safe for a terminal (printable), and
// stdin cut into lines (LineSplitter, fed in two pieces: the split must not change the
// lines). Findings: a crash or UB; printable() output with an ESC, another C0 control but
// "\n"/"\t", DEL or a UTF-8 C1 control; a hit with an empty id or one containing '|' or a
// line break; a line longer than the limit, or one holding a "\n"; different lines for
// different splits of the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "chat/choices.hpp"
#include "chat/line_splitter.hpp"
#include "chat/screen_text.hpp"

namespace {

constexpr std::size_t kMax = 16;

std::vector<harness::chat::Line> split(std::string_view a, std::string_view b) {
    harness::chat::LineSplitter s(kMax);
    s.feed(a);
    s.feed(b);
    s.finish();
    std::vector<harness::chat::Line> out;
    while (auto l = s.next()) out.push_back(std::move(*l));
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const std::string shown = harness::chat::printable(text);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const auto c = static_cast<unsigned char>(shown[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) std::abort();
        if (c == 0xC2 && i + 1 < shown.size()) {
            const auto n = static_cast<unsigned char>(shown[i + 1]);
            if (n >= 0x80 && n <= 0x9f) std::abort();
        }
    }

    const auto hits = harness::chat::parse_hits(text);
    for (const auto& h : hits) {
        if (h.id.empty() || h.id.find_first_of("|\n") != std::string::npos) std::abort();
    }
    const auto pick = harness::chat::parse_pick(text.substr(0, 80), hits);
    if (pick.kind == harness::chat::Pick::Kind::patient && pick.patient_id.empty()) std::abort();
    (void)harness::chat::parse_yes_no(text);

    const auto whole = split(text, {});
    const auto halves = split(text.substr(0, size / 2), text.substr(size / 2));
    if (whole.size() != halves.size()) std::abort();
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (whole[i].text != halves[i].text || whole[i].too_long != halves[i].too_long) {
            std::abort();
        }
        if (whole[i].text.size() > kMax || whole[i].text.find('\n') != std::string::npos) {
            std::abort();
        }
    }
    return 0;
}
