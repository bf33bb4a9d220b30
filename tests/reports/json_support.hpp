#pragma once
// For the report.json reader tests: the message from_json refuses a document with.
#include <stdexcept>
#include <string>

#include "reports/json.hpp"
#include "sample_report.hpp"

namespace reports_test {

inline std::string error_of(const nlohmann::json& j) {
    try {
        (void)reports::from_json(j);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<no error>";
}

// one_failure() as report.json.
inline nlohmann::json valid() {
    return reports::to_json(one_failure());
}

}  // namespace reports_test
