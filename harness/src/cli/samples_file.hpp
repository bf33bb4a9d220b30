#pragma once
// samples.jsonl, read from beside a run's report.json (`report --from`, `merge`).
#include <string>

#include "reports/report.hpp"

namespace harness::cli {

// The samples.jsonl in the folder of `report_json` read into `report`'s scenarios; false when
// there is none (an older run, or one written without json). Throws std::runtime_error
// "PATH:LINE: why" for a file that is there but cannot be read as samples of `report`.
bool read_samples_beside(const std::string& report_json, reports::RunReport& report);

}  // namespace harness::cli
