// Nothing a test starts may outlive it. Killing the harness (SIGKILL: no handler runs) must not
// leave the mock or the server behind: its children get PR_SET_PDEATHSIG. The same holds for
// tests/js/harness_vs_sdk.sh, whether it fails or is killed (ctest's timeout): every program
// it starts dies with it.
#include <signal.h>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.hpp"
#include "support/processes.hpp"

namespace {

using namespace std::chrono_literals;

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream in(task.path() / "children");
        pid_t child = 0;
        while (in >> child) out.push_back(child);
    }
    return out;
}

// The state letter and process group of /proc/<pid>/stat; nullopt once the process is gone.
struct ProcStat {
    char state = '?';
    pid_t pgrp = -1;
};
std::optional<ProcStat> stat_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const auto close = line.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 1));
    ProcStat s;
    pid_t ppid = 0;
    if (!(rest >> s.state >> ppid >> s.pgrp)) return std::nullopt;
    return s;
}

bool alive(pid_t pid) {
    const auto s = stat_of(pid);
    return s && s->state != 'Z';
}

// The live processes of process group `pgrp`. A script started by common::ChildProcess leads
// its own group and its shell does no job control, so everything it starts stays in it, even
// once reparented away from the script (which children_of would no longer see).
std::vector<pid_t> group_members(pid_t pgrp) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
        const pid_t pid = std::stoi(name);
        const auto s = stat_of(pid);
        if (s && s->pgrp == pgrp && s->state != 'Z') out.push_back(pid);
    }
    return out;
}

// The program a process runs, as the kernel resolved it (symlinks followed).
std::string exe_of(pid_t pid) {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

std::string cmdline_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : s) c = c == '\0' ? ' ' : c;
    return s;
}

// Waits up to 5 s for group `pgrp` to empty; each survivor is a failure, named, then killed.
void expect_group_gone(pid_t pgrp, const std::string& whose) {
    std::vector<pid_t> left = group_members(pgrp);
    for (int i = 0; i < 250 && !left.empty(); ++i) {
        std::this_thread::sleep_for(20ms);
        left = group_members(pgrp);
    }
    for (pid_t pid : left) {
        ADD_FAILURE() << "'" << cmdline_of(pid) << "' (pid " << pid << ") outlived " << whose;
        ::kill(pid, SIGKILL);
    }
}

TEST(NoOrphans, KillingTheHarnessKillsTheMockAndTheServer) {
    const auto out =
        std::filesystem::temp_directory_path() / ("no-orphans-" + std::to_string(::getpid()));
    // A scenario that runs for minutes at real scale: the upstream stall.
    common::ChildProcess harness(
        {.argv = {MCP_HARNESS_BIN, "run", SCENARIOS_DIR "/checklist/05_upstream_stall.json",
                  "--out", out.string()},
         .stderr_file = out.string() + ".log"});
    std::vector<pid_t> kids;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (kids.size() < 2 && std::chrono::steady_clock::now() < deadline) {
        kids = children_of(harness.pid());
        if (kids.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_GE(kids.size(), 2u) << "the harness did not start the mock and the server";
    harness.signal(SIGKILL);
    EXPECT_NE(harness.wait_exit(std::chrono::seconds(5)), -1);
    for (pid_t kid : kids) {
        bool gone = false;
        for (int i = 0; i < 250 && !gone; ++i) {
            gone = !alive(kid);
            if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_TRUE(gone) << "child " << kid << " outlived the killed harness";
        if (!gone) ::kill(kid, SIGKILL);
    }
    std::filesystem::remove_all(out);
    std::filesystem::remove(out.string() + ".log");
}

// tests/js/harness_vs_sdk.sh (ctest js.harness_vs_sdk_server) with `harness` as its
// mcp-harness; its scratch folder lands in `tmp`.
common::ChildProcess sdk_comparison(const std::string& harness, const test_support::TempDir& tmp) {
    return common::ChildProcess(
        {.argv = {HARNESS_VS_SDK_SCRIPT, harness, MCP_SERVER_BIN, MOCK_OLLAMA_BIN},
         .env = {{"TMPDIR", tmp.path().string()}},
         .stderr_file = tmp.path() / "script.log"});
}

// The script's failure path (the same EXIT trap as its normal end, which takes 90 s): a
// harness that fails at once, after the mock and the SDK server are up.
TEST(NoOrphans, TheSdkComparisonScriptEndsWhatItStartedWhenItFails) {
    test_support::TempDir tmp("no-orphans-sdk");
    auto script = sdk_comparison("/bin/false", tmp);
    const pid_t group = script.pid();
    EXPECT_EQ(script.wait_exit(60s), 1) << script.stderr_tail();
    expect_group_gone(group, "harness_vs_sdk.sh's end");
}

// ctest's timeout kills the script with SIGKILL, in the middle of a harness run: no trap runs.
TEST(NoOrphans, KillingTheSdkComparisonScriptKillsWhatItStarted) {
    test_support::TempDir tmp("no-orphans-sdk");
    auto script = sdk_comparison(MCP_HARNESS_BIN, tmp);
    const auto harness = std::filesystem::weakly_canonical(MCP_HARNESS_BIN).string();
    const pid_t group = script.pid();
    // The harness runs once the mock and the SDK server answered.
    bool harness_running = false;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!harness_running && std::chrono::steady_clock::now() < deadline) {
        for (pid_t pid : group_members(group)) harness_running |= exe_of(pid) == harness;
        if (!harness_running) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(harness_running) << "the script did not get to its harness run: "
                                 << script.stderr_tail();
    EXPECT_GE(group_members(group).size(), 4u)
        << "the script, the mock, the SDK server, the harness";
    script.signal(SIGKILL);
    EXPECT_NE(script.wait_exit(5s), -1);
    expect_group_gone(group, "the killed harness_vs_sdk.sh");
}

}  // namespace
