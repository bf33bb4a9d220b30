// Bytes -> scan_mock_requests, the harness's DOM-free reader of the mock's request log pages,
// checked against the nlohmann reader it stands in for: whatever it accepts, nlohmann must
// parse to the same requests. A crash, UB, a hang, or a difference is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/mock_admin.hpp"

namespace {

bool same(const harness::MockRequest& a, const harness::MockRequest& b) {
    if (a.id != b.id || a.endpoint != b.endpoint || a.model != b.model || a.prompt != b.prompt ||
        a.outcome != b.outcome || a.done_reason != b.done_reason || a.fault != b.fault ||
        a.text != b.text || a.stream != b.stream || a.status != b.status ||
        a.received_us != b.received_us || a.tokens.size() != b.tokens.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.tokens.size(); ++i) {
        const auto &x = a.tokens[i], &y = b.tokens[i];
        if (x.index != y.index || x.text != y.text || x.t_us != y.t_us ||
            x.scheduled_us != y.scheduled_us) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view page(reinterpret_cast<const char*>(data), size);
    std::vector<harness::MockRequest> scanned;
    if (!harness::scan_mock_requests(page, scanned)) {
        if (!scanned.empty()) std::abort();  // declined, yet it appended
        return 0;
    }
    const auto j = nlohmann::json::parse(page);  // accepted text is JSON: must not throw
    const auto& requests = j.at("requests");
    if (requests.size() != scanned.size()) std::abort();
    for (std::size_t i = 0; i < scanned.size(); ++i) {
        if (!same(scanned[i], harness::parse_mock_request(requests[i]))) std::abort();
    }
    return 0;
}
