// Scenario files and folders to scenarios: reading the bytes, walking folders, collecting
// every file's error. What a scenario's text means is scenario_loader.cpp's concern.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/scenario.hpp"

namespace harness {

Scenario load_scenario(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(file, ec);
    if (!fs::exists(status)) throw ScenarioError(file, 1, 1, "no such file");
    // A folder, a FIFO or a device is no scenario (and opening a FIFO would block forever).
    if (!fs::is_regular_file(status)) throw ScenarioError(file, 1, 1, "not a regular file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ScenarioError(file, 1, 1, "cannot open the file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_scenario(ss.str(), file);
}

std::vector<Scenario> load_scenarios(const std::vector<std::filesystem::path>& paths) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    std::string errors;
    const auto add_error = [&errors](const std::string& e) {
        errors += std::string(errors.empty() ? "" : "\n") + e;
    };
    for (const auto& p : paths) {
        std::error_code ec;
        if (!fs::is_directory(p, ec)) {
            files.push_back(p);
            continue;
        }
        std::vector<fs::path> found;
        try {
            for (const auto& e : fs::recursive_directory_iterator(p)) {
                if (e.is_regular_file() && e.path().extension() == ".json")
                    found.push_back(e.path());
            }
        } catch (const fs::filesystem_error& e) {
            add_error(p.string() + ": cannot list the folder: " + e.code().message());
            continue;
        }
        // An empty folder is a mistake (a wrong path, a missing checkout), not a pass.
        if (found.empty()) {
            add_error(p.string() + ": no scenario files (*.json, searched recursively)");
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    std::vector<Scenario> out;
    for (const auto& f : files) {
        try {
            out.push_back(load_scenario(f));
        } catch (const ScenarioError& e) {
            add_error(e.what());
        }
    }
    if (!errors.empty()) throw std::runtime_error(errors);
    return out;
}

}  // namespace harness
