#pragma once
// Where a scenario path given to `run`, `list` or `validate` is found, so that an installed
// mcp-harness runs `mcp-harness run checklist` from any folder: the path as given when it
// exists; else, for a relative path, the same name under each scenario root — the installed
// scenarios (<exe dir>/../share/mcp-stream-harness/scenarios), then, for the build tree's own
// binary only, the source tree's scenarios/. The docs' spelling `scenarios/faults` is found
// under a root as `faults`. An installed copy never looks at the source tree: a missing install
// rule must show, not be hidden by the checkout the package was built from.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace harness {

// What the build knows about the layout (cmake/install_layout.cmake, harness/CMakeLists.txt).
struct ScenarioPlaces {
    std::filesystem::path installed_relative;  // from the bin folder to the installed scenarios
    std::filesystem::path build_exe_dir;       // where the build tree's mcp-harness lives
    std::filesystem::path source_scenarios;    // the source tree's scenarios/
};

// The places this binary was built with.
ScenarioPlaces built_places();

// The roots searched for a name, in order, for the program at `self_exe`.
std::vector<std::filesystem::path> scenario_roots(const std::filesystem::path& self_exe,
                                                  const ScenarioPlaces& places);

// A scenario path nowhere to be found; the message names every place looked at.
class ScenarioNotFound : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// `given` (a file or folder) → the path to load: `given` unchanged when it exists, else the
// first root holding it. Throws ScenarioNotFound (an empty path, a name found nowhere; a path
// that is absolute or climbs with ".." is not searched for under the roots).
std::filesystem::path find_scenario(const std::filesystem::path& given,
                                    const std::vector<std::filesystem::path>& roots);

// find_scenario for each path, with this process's roots (/proc/self/exe, built_places()).
std::vector<std::filesystem::path> located_scenarios(
    const std::vector<std::filesystem::path>& given);

}  // namespace harness
