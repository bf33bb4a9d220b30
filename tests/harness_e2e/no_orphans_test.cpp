// Killing the harness (SIGKILL: no handler runs) must not leave the mock or the server behind:
// its children get PR_SET_PDEATHSIG.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/child_process.hpp"

namespace {

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

bool alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto close = line.rfind(')');
    return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
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

}  // namespace
