#include "support/processes.hpp"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

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

common::ChildProcess start(const std::vector<std::string>& argv, const fs::path& stderr_file) {
    return common::ChildProcess({.argv = argv,
                                 .env = {},
                                 .unset_env = {"OLLAMA_HOST"},
                                 .cwd = {},
                                 .stderr_file = stderr_file});
}

nlohmann::json admin_json(const HttpResponse& r, const std::string& what) {
    auto j = r.json();
    if (!r.ok() || r.status != 200 || j.is_discarded()) {
        throw std::runtime_error(what + ": " + r.describe());
    }
    return j;
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

LoggedChild::LoggedChild(std::string label, std::vector<std::string> argv)
    : label_(std::move(label)),
      stderr_path_(make_temp_file(label_)),
      child_(start(argv, stderr_path_)) {}

LoggedChild::~LoggedChild() {
    child_.stop(std::chrono::seconds(5));
    if (::testing::Test::HasFailure()) {
        std::cerr << "---- " << label_ << " stderr (tail of " << stderr_path_.string() << ") ----\n"
                  << child_.stderr_tail(6000) << "\n---- end of " << label_ << " stderr ----\n";
        return;  // kept for inspection
    }
    std::error_code ignored;
    fs::remove(stderr_path_, ignored);
}

std::string LoggedChild::stderr_text() const {
    std::ifstream in(stderr_path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

MockProcess::MockProcess(const std::string& binary, std::vector<std::string> args)
    : child_("mock-ollama", [&] {
          std::vector<std::string> argv = {binary, "--host", "127.0.0.1", "--port", "0"};
          argv.insert(argv.end(), args.begin(), args.end());
          return argv;
      }()) {
    const auto line =
        child_.process().wait_for_line("mock-ollama listening on", std::chrono::seconds(10));
    port_ = common::port_from_ready_line(line);
    if (port_ == 0) throw std::runtime_error("no port in mock-ollama's ready line: " + line);
    base_url_ = "http://127.0.0.1:" + std::to_string(port_);
}

nlohmann::json MockProcess::requests(bool with_tokens) const {
    const std::string path = with_tokens ? "/_mock/requests" : "/_mock/requests?tokens=0";
    const auto j = admin_json(http_get(base_url_ + path), "GET " + path);
    return j.value("requests", nlohmann::json::array());
}

nlohmann::json MockProcess::stats() const {
    return admin_json(http_get(base_url_ + "/_mock/stats"), "GET /_mock/stats");
}

void MockProcess::configure(const nlohmann::json& doc) const {
    admin_json(http_post_json(base_url_ + "/_mock/config", doc),
               "POST /_mock/config " + doc.dump());
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
        const auto one = admin_json(http_get(base_url_ + path), "GET " + path)
                             .value("requests", nlohmann::json::array());
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
    : child_("mcp-server", [&] {
          std::vector<std::string> argv = {binary, "--host",     "127.0.0.1",      "--port",
                                           "0",    "--data-dir", data_dir.string()};
          if (std::find(args.begin(), args.end(), "--log-level") == args.end()) {
              argv.insert(argv.end(), {"--log-level", "debug"});
          }
          argv.insert(argv.end(), args.begin(), args.end());
          return argv;
      }()) {
    const auto line =
        child_.process().wait_for_line("mcp-server listening on", std::chrono::seconds(10));
    port_ = common::port_from_ready_line(line);  // "ws://127.0.0.1:PORT/mcp"
    if (port_ == 0) throw std::runtime_error("no port in mcp-server's ready line: " + line);
}

std::optional<long> ServerProcess::rss_kib() const {
    std::ifstream in("/proc/" + std::to_string(child_.process().pid()) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) != 0) continue;
        std::istringstream fields(line.substr(6));
        long kib = 0;
        if (fields >> kib) return kib;
    }
    return std::nullopt;
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
