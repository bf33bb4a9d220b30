#pragma once
// Real processes for one test: a mock-ollama and an mcp-server, each on port 0 on loopback,
// ready once its ready line appeared (bounded wait), stderr in a file whose tail is printed
// when the test failed, stopped with SIGTERM (then SIGKILL) at the end. Binaries are passed
// in by the caller (the test executable knows them from its compile definitions).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"
#include "harness/mock_admin.hpp"
#include "harness/service_process.hpp"

namespace test_support {

// A fresh, unique folder under the system temp folder, removed at the end (kept, with its
// path printed, when the test failed).
class TempDir {
  public:
    explicit TempDir(std::string_view prefix = "msh-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// A program under test on port 0 (harness::ServiceProcess: ready line within 10 s, stderr
// in a temp file, OLLAMA_HOST removed from its environment); the stderr tail is printed on
// test failure.
class LoggedService {
  public:
    LoggedService(std::string label, const std::string& binary, std::vector<std::string> args);
    ~LoggedService();
    LoggedService(const LoggedService&) = delete;
    LoggedService& operator=(const LoggedService&) = delete;

    harness::ServiceProcess& service() { return service_; }
    const harness::ServiceProcess& service() const { return service_; }
    std::string stderr_text() const;  // the whole log so far

  private:
    // The temp log, made first and dealt with last: printed and kept after a failed test (or
    // a start that threw), removed otherwise. Declared before service_, so that a start that
    // throws out of the constructor still gets here.
    class Log {
      public:
        explicit Log(std::string label);
        ~Log();
        Log(const Log&) = delete;
        Log& operator=(const Log&) = delete;
        const std::filesystem::path& path() const { return path_; }

      private:
        std::string label_;
        std::filesystem::path path_;
        int uncaught_ = 0;  // exceptions in flight when it was made
    };

    Log log_;
    harness::ServiceProcess service_;
};

class MockProcess {
  public:
    // `mock-ollama --host 127.0.0.1 --port 0 <args>`; throws when it does not come up in 10 s.
    MockProcess(const std::string& binary, std::vector<std::string> args);

    unsigned short port() const { return child_.service().port(); }
    const std::string& base_url() const { return child_.service().url(); }
    pid_t pid() const { return child_.service().pid(); }
    std::string stderr_tail(std::size_t bytes = 4000) const {
        return child_.service().stderr_tail(bytes);
    }
    int stop() { return child_.service().stop(std::chrono::seconds(5)); }

    // Admin. Each throws std::runtime_error (with the response) when the mock does not answer
    // 200 with JSON within the HTTP timeout.
    // /_mock/requests "requests"; `with_tokens` false leaves out the tokens and the text
    // (the mock drops an admin client whose answer exceeds its 1 MiB write queue).
    nlohmann::json requests(bool with_tokens = true) const;
    nlohmann::json stats() const;
    void configure(const nlohmann::json& doc) const;  // POST /_mock/config
    void set_rules(const nlohmann::json& rules) const { configure({{"rules", rules}}); }

    // The most recent /_mock/requests entry whose prompt equals `prompt`; nullopt if none.
    std::optional<nlohmann::json> request_for(const std::string& prompt,
                                              bool with_tokens = true) const;
    // Polls /_mock/requests until `prompt`'s newest entry has an outcome other than
    // in_progress, or `timeout` passes; returns that entry (or the last one seen).
    std::optional<nlohmann::json> wait_settled(const std::string& prompt,
                                               std::chrono::milliseconds timeout,
                                               bool with_tokens = true) const;

  private:
    LoggedService child_;
    harness::MockAdmin admin_;
};

class ServerProcess {
  public:
    // `mcp-server --host 127.0.0.1 --port 0 --data-dir <dir> <args>` (plus --log-level debug
    // unless given); OLLAMA_HOST removed from its environment. Throws when it does not print
    // its ready line within 10 s.
    ServerProcess(const std::string& binary, const std::filesystem::path& data_dir,
                  std::vector<std::string> args);

    unsigned short port() const { return child_.service().port(); }
    std::string ws_url() const { return "ws://127.0.0.1:" + std::to_string(port()) + "/mcp"; }
    std::string http_url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
    }
    pid_t pid() const { return child_.service().pid(); }
    bool running() { return process().running(); }
    void signal(int signo) { process().signal(signo); }
    // Waits up to `timeout` for it to exit; its status (code, or 128 + signal) or -1.
    int wait_exit(std::chrono::milliseconds timeout) { return process().wait_exit(timeout); }
    // SIGTERM, then SIGKILL after `grace`; the exit status.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5)) {
        return process().stop(grace);
    }
    std::string stderr_text() const { return child_.stderr_text(); }
    std::string stderr_tail(std::size_t bytes = 4000) const {
        return child_.service().stderr_tail(bytes);
    }
    // VmRSS from /proc/<pid>/status, in KiB; nullopt when unreadable.
    std::optional<long> rss_kib() const;

  private:
    common::ChildProcess& process() { return child_.service().child(); }

    LoggedService child_;
};

// A TCP port on loopback that nothing listens on (bound, then released).
unsigned short closed_port();

}  // namespace test_support
