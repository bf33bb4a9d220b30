// Bytes -> report.json's reader (reports::parse_json), histograms included. Properties: it
// returns or throws std::invalid_argument (anything else is a finding), and whatever it
// accepts writes back to JSON that reads into a report writing the same JSON again (to_json
// is the reader's inverse; JSON is compared, since a null number reads back as NaN).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "reports/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    reports::RunReport report;
    try {
        report = reports::parse_json(text);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    const auto written = reports::to_json(report);
    if (reports::to_json(reports::from_json(written)) != written) {
        std::fprintf(stderr, "reports_json_fuzz: write then read changed the report\n");
        std::abort();
    }
    return 0;
}
