#include "support/processes.hpp"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "harness/proc_stats.hpp"
#include "support/http.hpp"

namespace test_support {

namespace fs = std::filesystem;

namespace {

fs::path make_temp_file(const std::string& label) {
    std::string templ = (fs::temp_directory_path() / ("msh-it-" + label + "-XXXXXX.log")).string();
    const int fd = ::mkstemps(templ.data(), 4);
    if (fd < 0) throw std::runtime_error("mkstemps failed for " + templ);
    ::close(fd);
    return templ;
}

// After a failed test (or when `failed` says so) the log is kept and its tail printed;
// otherwise it is removed.
void keep_or_remove_log(const std::string& label, const fs::path& path, const std::string& tail,
                        bool failed = false) {
    if (failed || ::testing::Test::HasFailure()) {
        std::cerr << "---- " << label << " stderr (tail of " << path.string() << ") ----\n"
                  << tail << "\n---- end of " << label << " stderr ----\n";
        return;  // kept for inspection
    }
    std::error_code ignored;
    fs::remove(path, ignored);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The last `bytes` of the file (all of it when shorter).
std::string tail_of(const fs::path& path, std::size_t bytes) {
    std::string text = read_file(path);
    return text.size() > bytes ? "..." + text.substr(text.size() - bytes) : text;
}

harness::ServiceOptions service_options(const std::string& binary, std::vector<std::string> args,
                                        const fs::path& stderr_file) {
    harness::ServiceOptions o;
    o.binary = binary;
    o.args = std::move(args);
    o.stderr_file = stderr_file;
    o.ready_timeout = std::chrono::seconds(10);
    o.unset_env = {"OLLAMA_HOST"};
    return o;
}

}  // namespace

TempDir::TempDir(std::string_view prefix) {
    std::string templ = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + templ);
    path_ = templ;
}

TempDir::~TempDir() {
    if (::testing::Test::HasFailure()) {
        std::cerr << "(test data kept in " << path_.string() << ")\n";
        return;
    }
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

LoggedService::Log::Log(std::string label)
    : label_(std::move(label)),
      path_(make_temp_file(label_)),
      uncaught_(std::uncaught_exceptions()) {}

LoggedService::Log::~Log() {
    // An exception in flight that was not when the log was made: the start threw, and the
    // test fails with it (gtest has not recorded that yet).
    keep_or_remove_log(label_, path_, tail_of(path_, 6000), std::uncaught_exceptions() > uncaught_);
}

LoggedService::LoggedService(std::string label, const std::string& binary,
                             std::vector<std::string> args)
    : log_(std::move(label)), service_(service_options(binary, std::move(args), log_.path())) {}

LoggedService::~LoggedService() {
    service_.stop(std::chrono::seconds(5));
}

std::string LoggedService::stderr_text() const {
    return read_file(log_.path());
}

MockProcess::MockProcess(const std::string& binary, std::vector<std::string> args)
    : child_("mock-ollama", binary,
             [&] {
                 std::vector<std::string> argv = {"--host", "127.0.0.1", "--port", "0"};
                 argv.insert(argv.end(), args.begin(), args.end());
                 return argv;
             }()),
      admin_(child_.service().url(), kHttpTimeout) {}

nlohmann::json MockProcess::requests(bool with_tokens) const {
    const std::string path = with_tokens ? "/_mock/requests" : "/_mock/requests?tokens=0";
    return nlohmann::json::parse(admin_.get(path)).value("requests", nlohmann::json::array());
}

nlohmann::json MockProcess::stats() const {
    return admin_.stats();
}

void MockProcess::configure(const nlohmann::json& doc) const {
    admin_.set_config(doc);
}

std::optional<nlohmann::json> MockProcess::request_for(const std::string& prompt,
                                                       bool with_tokens) const {
    // Found in the light listing, then fetched alone: the full log can be too large.
    const auto all = requests(false);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
        if (it->value("prompt", "") != prompt) continue;
        if (!with_tokens) return *it;
        const auto id = it->value("id", std::uint64_t{0});
        const std::string path = "/_mock/requests?limit=1&since=" + std::to_string(id - 1);
        const auto one =
            nlohmann::json::parse(admin_.get(path)).value("requests", nlohmann::json::array());
        if (one.size() != 1 || one[0].value("id", std::uint64_t{0}) != id) {
            throw std::runtime_error("GET " + path + ": no request " + std::to_string(id));
        }
        return one[0];
    }
    return std::nullopt;
}

std::optional<nlohmann::json> MockProcess::wait_settled(const std::string& prompt,
                                                        std::chrono::milliseconds timeout,
                                                        bool with_tokens) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<nlohmann::json> last;
    for (;;) {
        last = request_for(prompt, with_tokens);
        if (last && last->value("outcome", "") != "in_progress") return last;
        if (std::chrono::steady_clock::now() >= deadline) return last;
        // Each probe is an HTTP round trip; this short pause only keeps the poll cheap.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

ServerProcess::ServerProcess(const std::string& binary, const fs::path& data_dir,
                             std::vector<std::string> args)
    : child_("mcp-server", binary, [&] {
          std::vector<std::string> argv = {"--host", "127.0.0.1",  "--port",
                                           "0",      "--data-dir", data_dir.string()};
          if (std::find(args.begin(), args.end(), "--log-level") == args.end()) {
              argv.insert(argv.end(), {"--log-level", "debug"});
          }
          argv.insert(argv.end(), args.begin(), args.end());
          return argv;
      }()) {}

std::optional<long> ServerProcess::rss_kib() const {
    const auto kib = harness::process_status_kib(pid(), "VmRSS");
    return kib ? std::optional<long>(static_cast<long>(*kib)) : std::nullopt;
}

unsigned short closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind failed");
    }
    ::close(fd);  // never listened: connecting to it is refused
    return ntohs(addr.sin_port);
}

}  // namespace test_support
