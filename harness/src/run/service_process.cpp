#include "harness/service_process.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace harness {

common::ChildProcess ServiceProcess::start(const ServiceOptions& o) {
    common::ChildProcess::Options c;
    c.argv.push_back(o.binary);
    c.argv.insert(c.argv.end(), o.args.begin(), o.args.end());
    c.cwd = o.cwd;
    c.unset_env = o.unset_env;
    c.stderr_file = o.stderr_file;
    if (c.stderr_file.empty()) {
        static std::atomic<unsigned> counter{0};
        const auto name = std::filesystem::path(o.binary).filename().string();
        c.stderr_file = std::filesystem::temp_directory_path() /
                        (name + "-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter.fetch_add(1)) + ".stderr");
    }
    return common::ChildProcess(c);
}

ServiceProcess::ServiceProcess(const ServiceOptions& options) : child_(start(options)) {
    const std::string line = child_.wait_for_line("listening on", options.ready_timeout);
    const auto at = line.find("listening on ");
    url_ = line.substr(at + std::string_view("listening on ").size());
    while (!url_.empty() && (url_.back() == '\r' || url_.back() == ' ')) url_.pop_back();
    port_ = common::port_from_ready_line(url_.substr(0, url_.find('/', url_.find("//") + 2)));
    if (port_ == 0) {
        child_.stop();
        throw std::runtime_error(options.binary + ": no port in its ready line: " + line);
    }
}

}  // namespace harness
