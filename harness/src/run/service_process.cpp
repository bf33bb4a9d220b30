#include "harness/service_process.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace harness {

namespace {

// Where the child's stderr goes when the caller named no file: a new one in the temp folder.
std::filesystem::path temp_stderr_file(const std::string& binary) {
    static std::atomic<unsigned> counter{0};
    const auto name = std::filesystem::path(binary).filename().string();
    return std::filesystem::temp_directory_path() /
           (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)) +
            ".stderr");
}

}  // namespace

common::ChildProcess ServiceProcess::start(const ServiceOptions& o,
                                           const std::filesystem::path& stderr_file) {
    common::ChildProcess::Options c;
    c.argv.push_back(o.binary);
    c.argv.insert(c.argv.end(), o.args.begin(), o.args.end());
    c.cwd = o.cwd;
    c.unset_env = o.unset_env;
    c.stderr_file = stderr_file;
    return common::ChildProcess(c);
}

ServiceProcess::ServiceProcess(const ServiceOptions& options)
    : ServiceProcess(options, options.stderr_file.empty() ? temp_stderr_file(options.binary)
                                                          : std::filesystem::path()) {}

// A function-try-block: when the start fails, child_ is gone (stopped) before the handler
// runs, so the stderr file it wrote is closed and can be removed.
ServiceProcess::ServiceProcess(const ServiceOptions& options,
                               const std::filesystem::path& temp_stderr) try
    : child_(start(options, temp_stderr.empty() ? options.stderr_file : temp_stderr)) {
    const std::string line = child_.wait_for_line("listening on", options.ready_timeout);
    const auto at = line.find("listening on ");
    url_ = line.substr(at + std::string_view("listening on ").size());
    while (!url_.empty() && (url_.back() == '\r' || url_.back() == ' ')) url_.pop_back();
    port_ = common::port_from_ready_line(url_.substr(0, url_.find('/', url_.find("//") + 2)));
    if (port_ == 0) throw std::runtime_error("no port in its ready line: " + line);
} catch (const std::exception& e) {
    // The error quotes the stderr tail where the child wrote one; a file made here goes.
    if (!temp_stderr.empty()) {
        std::error_code ignored;
        std::filesystem::remove(temp_stderr, ignored);
    }
    throw std::runtime_error(options.binary + " failed to start: " + e.what());
}

}  // namespace harness
