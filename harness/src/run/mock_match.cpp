#include "harness/mock_match.hpp"

#include <cstdlib>
#include <limits>
#include <unordered_map>

namespace harness {

namespace {

std::int64_t first_emission(const MockRequest& r) {
    return r.tokens.empty() ? r.received_us : r.tokens.front().t_us;
}

std::int64_t first_arrival(const CallRecord& c) {
    return c.tokens.empty() ? c.sent_wall_us : c.tokens.front().wall_us;
}

}  // namespace

std::vector<long> match_calls_to_mock(const std::vector<const CallRecord*>& calls,
                                      const std::vector<std::string>& hints,
                                      const std::vector<MockRequest>& mock) {
    std::unordered_map<std::string, std::vector<std::size_t>> by_text;
    for (std::size_t i = 0; i < mock.size(); ++i) by_text[mock[i].text].push_back(i);
    std::vector<bool> used(mock.size(), false);
    std::vector<long> out(calls.size(), -1);

    const auto pick = [&](const std::vector<std::size_t>& candidates, const CallRecord& call,
                          const std::string& hint, bool require_hint) -> long {
        long best = -1;
        int best_hint = -1;
        std::int64_t best_gap = std::numeric_limits<std::int64_t>::max();
        for (const auto i : candidates) {
            if (used[i]) continue;
            const int has_hint =
                !hint.empty() && mock[i].prompt.find(hint) != std::string::npos ? 1 : 0;
            if (require_hint && has_hint == 0) continue;
            const auto gap = std::llabs(first_emission(mock[i]) - first_arrival(call));
            if (has_hint > best_hint || (has_hint == best_hint && gap < best_gap)) {
                best = static_cast<long>(i);
                best_hint = has_hint;
                best_gap = gap;
            }
        }
        return best;
    };

    std::vector<std::size_t> everything(mock.size());
    for (std::size_t i = 0; i < mock.size(); ++i) everything[i] = i;
    for (std::size_t c = 0; c < calls.size(); ++c) {
        if (calls[c] == nullptr) continue;
        const std::string hint = c < hints.size() ? hints[c] : std::string();
        long m = -1;
        if (const auto it = by_text.find(calls[c]->streamed_text());
            it != by_text.end() && !calls[c]->tokens.empty()) {
            m = pick(it->second, *calls[c], hint, false);
        }
        if (m < 0 && !hint.empty()) m = pick(everything, *calls[c], hint, true);
        if (m >= 0) used[static_cast<std::size_t>(m)] = true;
        out[c] = m;
    }
    return out;
}

}  // namespace harness
