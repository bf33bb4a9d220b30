#include "cli/samples_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "reports/samples.hpp"

namespace harness::cli {

bool read_samples_beside(const std::string& report_json, reports::RunReport& report) {
    const auto path = std::filesystem::path(report_json).parent_path() / "samples.jsonl";
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        reports::parse_samples(ss.str(), report);
    } catch (const std::invalid_argument& e) {
        // "samples.jsonl:LINE: why", with the file's whole path.
        const std::string_view what = e.what();
        throw std::runtime_error(path.string() + std::string(what.substr(what.find(':'))));
    }
    return true;
}

}  // namespace harness::cli
