#include "scenario/scenario_search.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

// fs::exists without throwing: an over-long or unreadable name is simply not there.
bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

bool same_folder(const fs::path& a, const fs::path& b) {
    std::error_code ea, eb;
    const auto ca = fs::weakly_canonical(a, ea);
    const auto cb = fs::weakly_canonical(b, eb);
    return !ea && !eb && ca == cb;
}

bool climbs(const fs::path& p) {
    for (const auto& part : p) {
        if (part == "..") return true;
    }
    return false;
}

// The names `given` may have under a root: itself, and without a leading "scenarios/" (the
// source tree's spelling, as the docs write it; "scenarios" alone is the whole root).
std::vector<fs::path> names_under_root(const fs::path& given) {
    std::vector<fs::path> names{given};
    auto it = given.begin();
    if (it != given.end() && *it == "scenarios") {
        fs::path rest;
        for (++it; it != given.end(); ++it) rest /= *it;
        names.push_back(rest);
    }
    return names;
}

}  // namespace

ScenarioPlaces built_places() {
    return {MSH_INSTALLED_SCENARIOS_RELATIVE, MSH_BUILD_EXE_DIR, MSH_SOURCE_SCENARIOS};
}

std::vector<fs::path> scenario_roots(const fs::path& self_exe, const ScenarioPlaces& places) {
    const fs::path dir = self_exe.parent_path();
    std::vector<fs::path> roots{(dir / places.installed_relative).lexically_normal()};
    if (same_folder(dir, places.build_exe_dir)) roots.push_back(places.source_scenarios);
    return roots;
}

fs::path find_scenario(const fs::path& given, const std::vector<fs::path>& roots) {
    if (given.empty()) throw ScenarioNotFound("an empty scenario path");
    if (present(given)) return given;
    std::error_code ec;
    const fs::path here = fs::absolute(given, ec);
    std::string looked = ec ? given.string() : here.string();
    if (given.is_absolute() || climbs(given)) {
        throw ScenarioNotFound("scenario path '" + given.string() + "' not found (looked at " +
                               looked + "; a path that is absolute or contains '..' is not " +
                               "looked up in the installed scenarios)");
    }
    for (const auto& root : roots) {
        for (const auto& name : names_under_root(given)) {
            const fs::path candidate = (root / name).lexically_normal();
            if (present(candidate)) return candidate;
            looked += ", " + candidate.string();
        }
    }
    throw ScenarioNotFound("scenario path '" + given.string() + "' not found; looked at " + looked);
}

std::vector<fs::path> located_scenarios(const std::vector<fs::path>& given) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const auto roots = ec ? std::vector<fs::path>{} : scenario_roots(self, built_places());
    std::vector<fs::path> out;
    for (const auto& g : given) out.push_back(find_scenario(g, roots));
    return out;
}

}  // namespace harness
