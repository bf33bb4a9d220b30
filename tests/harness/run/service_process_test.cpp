// A child that does not come up: the error names the binary, and a stderr file that
// ServiceProcess made itself does not outlive the failed start.
#include "harness/service_process.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The stderr files ServiceProcess made in the temp folder for `binary` from this process.
std::vector<fs::path> temp_stderr_files(const std::string& binary) {
    const std::string prefix =
        fs::path(binary).filename().string() + "-" + std::to_string(::getpid()) + "-";
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path())) {
        const auto name = entry.path().filename().string();
        if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".stderr") {
            found.push_back(entry.path());
        }
    }
    return found;
}

// The error of a start that fails, "" when it did not throw.
std::string start_error(const harness::ServiceOptions& options) {
    try {
        harness::ServiceProcess service(options);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(ServiceProcess, AChildThatExitsAtOnceIsAnErrorNamingItAndLeavesNoTempFile) {
    harness::ServiceOptions o;
    o.binary = "/bin/false";
    o.ready_timeout = std::chrono::seconds(5);
    const auto error = start_error(o);
    EXPECT_EQ(error.rfind("/bin/false failed to start: ", 0), 0u) << error;
    EXPECT_NE(error.find("exited"), std::string::npos) << error;
    EXPECT_TRUE(temp_stderr_files(o.binary).empty());
}

TEST(ServiceProcess, ABinaryThatCannotBeRunIsAnErrorNamingItAndLeavesNoTempFile) {
    harness::ServiceOptions o;
    o.binary = "/nonexistent/msh-no-such-service";
    const auto error = start_error(o);
    EXPECT_EQ(error.rfind(o.binary + " failed to start: ", 0), 0u) << error;
    EXPECT_TRUE(temp_stderr_files(o.binary).empty());
}

TEST(ServiceProcess, AStderrFileTheCallerNamedIsKeptAfterAFailedStart) {
    const fs::path file =
        fs::temp_directory_path() / ("service-process-test-" + std::to_string(::getpid()) + ".log");
    harness::ServiceOptions o;
    o.binary = "/bin/false";
    o.stderr_file = file;
    EXPECT_NE(start_error(o), "");
    EXPECT_TRUE(fs::exists(file));
    std::error_code ignored;
    fs::remove(file, ignored);
}

}  // namespace
