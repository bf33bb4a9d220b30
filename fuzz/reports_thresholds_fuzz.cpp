// Bytes -> the regression gate's parsers (reports/compare.hpp): the first byte picks
// --max-regression, --min-change or a thresholds file, the rest is the input. Each either
// refuses with std::invalid_argument or returns limits that are finite, not negative, on a
// catalog metric, with at least one limit per threshold; an accepted --max-regression written
// back (shortest round-trip numbers) parses to the same thresholds. A crash, UB, another
// exception or a broken rule is a finding.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reports/compare.hpp"

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bool good_limit(const std::optional<double>& v) {
    return !v || (std::isfinite(*v) && *v >= 0);
}

std::string shortest(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// The spec that gives `ts` back: each limit as its own item, signed by the metric's direction.
std::string written(const std::vector<reports::Threshold>& ts) {
    std::string spec;
    for (const auto& t : ts) {
        const bool higher = reports::direction_of(t.metric) == reports::Direction::higher_is_better;
        const std::string key = t.metric + "." + std::string(reports::to_string(t.statistic)) + "=";
        const std::string sign = higher ? "-" : "";
        if (t.percent) spec += (spec.empty() ? "" : ",") + key + sign + shortest(*t.percent) + "%";
        if (t.absolute) {
            spec += (spec.empty() ? "" : ",") + key + sign + shortest(*t.absolute) +
                    std::string(reports::unit_of(t.metric));
        }
    }
    return spec;
}

void check_thresholds(const std::vector<reports::Threshold>& ts) {
    for (const auto& t : ts) {
        require(reports::catalog_metric(t.metric));
        require(t.percent || t.absolute);
        require(good_limit(t.percent) && good_limit(t.absolute));
        (void)reports::describe(t);
    }
}

void check_min_change(const std::map<std::string, double>& m) {
    for (const auto& [unit, v] : m) require((unit == "ms" || unit == "tokens/s") && v >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0: {
                const auto ts = reports::parse_thresholds(text);
                check_thresholds(ts);
                require(reports::parse_thresholds(written(ts)) == ts);
                break;
            }
            case 1:
                check_min_change(reports::parse_min_change(text));
                break;
            default: {
                const auto o = reports::parse_thresholds_file(text);
                check_thresholds(o.thresholds);
                check_min_change(o.min_change);
            }
        }
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
