// Bytes -> samples.jsonl's reader (reports::parse_samples) into a report with three scenarios.
// Properties: it returns or throws std::invalid_argument (anything else is a finding), and
// whatever it accepts renders back to text it reads into an equal report (render_samples is
// its inverse). A crash, a hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "reports/report.hpp"
#include "reports/samples.hpp"

namespace {

reports::RunReport skeleton() {
    reports::RunReport r;
    for (const char* name : {"streaming", "concurrency", "a"}) {
        r.scenarios.emplace_back();
        r.scenarios.back().name = name;
    }
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = skeleton();
    try {
        reports::parse_samples(text, report);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    auto again = skeleton();
    reports::parse_samples(reports::render_samples(report), again);
    if (!(again == report)) {
        std::fprintf(stderr, "reports_samples_fuzz: render then parse changed the samples\n");
        std::abort();
    }
    return 0;
}
