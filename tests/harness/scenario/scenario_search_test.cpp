// Finding a scenario path by name (scenario_search.hpp): the given path first, then the
// installed scenarios next to the binary, then the source tree for the build tree's own
// binary only; and the messages for names found nowhere, empty, absolute or climbing paths.
#include "scenario/scenario_search.hpp"

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/processes.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A fake install (prefix/bin/mcp-harness, prefix/share/.../scenarios/checklist/a.json), a fake
// build tree (build/harness) and a fake source tree (src/scenarios/faults/f.json).
class ScenarioSearch : public ::testing::Test {
  protected:
    void SetUp() override {
        installed_ = dir_.path() / "prefix/share/mcp-stream-harness/scenarios";
        fs::create_directories(installed_ / "checklist");
        std::ofstream(installed_ / "checklist/a.json") << "{}";
        fs::create_directories(dir_.path() / "prefix/bin");
        fs::create_directories(dir_.path() / "build/harness");
        source_ = dir_.path() / "src/scenarios";
        fs::create_directories(source_ / "faults");
        std::ofstream(source_ / "faults/f.json") << "{}";
        places_ = {"../share/mcp-stream-harness/scenarios", dir_.path() / "build/harness", source_};
        // An empty current folder: what the given path means there is known (no scenarios/).
        fs::create_directories(dir_.path() / "cwd");
        fs::current_path(dir_.path() / "cwd");
    }
    void TearDown() override { fs::current_path(cwd_); }

    std::vector<fs::path> installed_roots() const {
        return scenario_roots(dir_.path() / "prefix/bin/mcp-harness", places_);
    }

    std::string not_found(const fs::path& given, const std::vector<fs::path>& roots) const {
        try {
            const auto found = find_scenario(given, roots);
            return "found " + found.string();
        } catch (const ScenarioNotFound& e) {
            return e.what();
        }
    }

    const fs::path cwd_ = fs::current_path();
    test_support::TempDir dir_{"scenario-search"};
    fs::path installed_, source_;
    ScenarioPlaces places_;
};

TEST_F(ScenarioSearch, AnInstalledBinarySearchesItsShareFolderOnly) {
    EXPECT_EQ(installed_roots(), std::vector<fs::path>{installed_});
}

TEST_F(ScenarioSearch, TheBuildTreesBinaryAlsoSearchesTheSourceTree) {
    const auto roots = scenario_roots(dir_.path() / "build/harness/mcp-harness", places_);
    ASSERT_EQ(roots.size(), 2u);
    EXPECT_EQ(roots[1], source_);
    // The same folder spelled with a detour is still the build tree.
    EXPECT_EQ(scenario_roots(dir_.path() / "build/x/../harness/mcp-harness", places_).size(), 2u);
    // Any other binary (a test, a copy elsewhere) does not look at the source tree.
    EXPECT_EQ(scenario_roots(dir_.path() / "build/mcp-harness", places_).size(), 1u);
}

TEST_F(ScenarioSearch, AGivenPathThatExistsIsUsedUnchanged) {
    const fs::path file = dir_.path() / "mine.json";
    std::ofstream(file) << "{}";
    EXPECT_EQ(find_scenario(file, installed_roots()), file);
    // Even when a root holds the same name: the user's folder wins.
    fs::create_directories("checklist");
    EXPECT_EQ(find_scenario("checklist", installed_roots()), "checklist");
}

TEST_F(ScenarioSearch, ANameIsFoundUnderTheInstalledScenarios) {
    const auto roots = installed_roots();
    EXPECT_EQ(find_scenario("checklist", roots), installed_ / "checklist");
    EXPECT_EQ(find_scenario("checklist/a.json", roots), installed_ / "checklist/a.json");
    EXPECT_EQ(find_scenario("checklist/", roots), installed_ / "checklist/");
    EXPECT_EQ(find_scenario("./checklist", roots), installed_ / "checklist");
    // The docs' spelling, from the source tree.
    EXPECT_EQ(find_scenario("scenarios/checklist", roots), installed_ / "checklist");
    EXPECT_EQ(find_scenario("scenarios", roots), installed_ / "");
}

TEST_F(ScenarioSearch, TheInstalledScenariosComeBeforeTheSourceTree) {
    fs::create_directories(source_ / "checklist");
    const auto roots = scenario_roots(dir_.path() / "build/harness/mcp-harness", places_);
    // build/harness/../share does not exist: the source tree's copy is the one found.
    EXPECT_EQ(find_scenario("checklist", roots), source_ / "checklist");
    EXPECT_EQ(find_scenario("scenarios/faults/f.json", roots), source_ / "faults/f.json");
    EXPECT_EQ(find_scenario("checklist", {installed_, source_}), installed_ / "checklist");
}

TEST_F(ScenarioSearch, AnUnknownNameSaysWhereItLooked) {
    const auto message = not_found("no_such_suite", installed_roots());
    EXPECT_THAT(message, HasSubstr("scenario path 'no_such_suite' not found; looked at "));
    EXPECT_THAT(message, HasSubstr((dir_.path() / "cwd/no_such_suite").string()));
    EXPECT_THAT(message, HasSubstr((installed_ / "no_such_suite").string()));
    // The source tree's scenarios of a build exist only for the build's own binary.
    EXPECT_THAT(not_found("faults", installed_roots()), HasSubstr("not found"));
    // Nothing to search: only the path itself was looked at.
    EXPECT_THAT(not_found("checklist", {}), HasSubstr("not found; looked at "));
}

TEST_F(ScenarioSearch, MalformedAndEdgePaths) {
    const auto roots = installed_roots();
    EXPECT_EQ(not_found("", roots), "an empty scenario path");
    // Absolute and climbing paths are taken as paths, never searched under the roots.
    EXPECT_THAT(not_found("/no/such/checklist", roots),
                HasSubstr("'/no/such/checklist' not found (looked at /no/such/checklist; a "
                          "path that is absolute or contains '..' is not looked up"));
    EXPECT_THAT(not_found("../checklist", roots), HasSubstr("contains '..'"));
    EXPECT_THAT(not_found("x/../../checklist", roots), HasSubstr("contains '..'"));
    // A name longer than the file system allows is simply not there (no exception escapes).
    EXPECT_THAT(not_found(std::string(5000, 'a'), roots), HasSubstr("not found; looked at"));
    EXPECT_THAT(not_found(std::string("bad\nname\t*?"), roots), HasSubstr("not found"));
    // "scenarios" followed by nothing known, and a file named like a folder.
    EXPECT_THAT(not_found("scenarios/nothing", roots), HasSubstr("not found"));
    EXPECT_THAT(not_found("checklist/a.json/", roots), HasSubstr("not found"));
}

TEST(ScenarioSearchBuilt, TheBuildsPlacesAreTheInstallLayoutAndThisSourceTree) {
    const auto p = built_places();
    EXPECT_EQ(p.installed_relative, "../share/mcp-stream-harness/scenarios");
    EXPECT_TRUE(fs::is_directory(p.source_scenarios / "checklist")) << p.source_scenarios;
    EXPECT_TRUE(fs::exists(p.build_exe_dir / "mcp-harness")) << p.build_exe_dir;
}

}  // namespace
}  // namespace harness
