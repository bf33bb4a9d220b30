// Several mcp-server processes on one data folder (as an MCP host starting one server per
// client): saves from all of them, at once, to distinct and to shared patients; afterwards
// the file parses and holds every acknowledged save, and a save made through one server is
// returned by the other's get_patient_summary. Then kill -9 of one server in the middle of
// a burst: the other keeps saving and nothing acknowledged is lost. The same with three
// `mcp-server --stdio` children, as an MCP host runs them.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/rng.hpp"
#include "core/data_file_error.hpp"
#include "core/summary_store.hpp"
#include "server_fixture.hpp"
#include "stdio_child.hpp"

namespace server_test {
namespace {

namespace fs = std::filesystem;

// A save as its client saw it: what, and when it was sent and acknowledged.
struct Save {
    std::string value;
    Clock::time_point sent;
    Clock::time_point acknowledged;
};

// A summary full of CSV metacharacters and of varying length, so that a torn or misquoted
// row cannot pass for a whole one.
std::string summary_text(const std::string& who, std::size_t n, const std::string& id,
                         common::Rng& rng) {
    return who + " n" + std::to_string(n) + " " + id + ": \"q\", caf\xC3\xA9\r\nline 2," +
           std::string(rng.below(600), static_cast<char>('a' + rng.below(26)));
}

// The saved part of generate_summary's reply: "Generated Summary for ... (ID: 1):\n\n<text>".
std::string generated_part(const std::string& reply) {
    const auto at = reply.find("):\n\n");
    return at == std::string::npos ? std::string() : reply.substr(at + 4);
}

class SharedFolder : public ServerTest {
  protected:
    void SetUp() override {
        start({"--ttft", "2", "--tps", "5000", "--tokens", "24", "--profile", "hostile"});
        start_second();
    }
    void start_second() {
        second_ = std::make_unique<test_support::ServerProcess>(
            server_binary(), data_dir(),
            std::vector<std::string>{"--ollama-url", mock().base_url()});
    }
    std::unique_ptr<McpClient> connect_to(test_support::ServerProcess& s) {
        auto c = std::make_unique<McpClient>(s.ws_url());
        const auto r = c->initialize();
        if (!r.ok || !r.has_result()) throw std::runtime_error("initialize: " + r.describe());
        return c;
    }
    fs::path summaries() const { return data_dir() / "patient_summaries.csv"; }
    // The file as the store's own loader reads it (fails the test when it does not parse).
    std::map<std::string, std::string> file_rows() {
        std::map<std::string, std::string> out;
        try {
            for (auto& r : core::load_summaries_csv(summaries())) out[r.patient_id] = r.summary;
        } catch (const core::DataFileError& e) {
            ADD_FAILURE() << "the summaries file does not parse: " << e.what();
        }
        return out;
    }
    // get_patient_summary through `c`, until it contains `expected` or 3 s pass.
    bool served_eventually(McpClient& c, const std::string& id, const std::string& expected) {
        const auto deadline = Clock::now() + 3s;
        do {
            const auto r = c.tool("get_patient_summary", {{"patient_id", id}}, 5s);
            if (r.ok && r.text().find(expected) != std::string::npos) return true;
            std::this_thread::sleep_for(20ms);
        } while (Clock::now() < deadline);
        return false;
    }

    std::unique_ptr<test_support::ServerProcess> second_;
};

// One `mcp-server --stdio` child and the calls made through it, one at a time.
class StdioServer {
  public:
    StdioServer(const fs::path& data_dir, const std::string& ollama_url)
        : child_(server_binary(), {"--data-dir", data_dir.string(), "--ollama-url", ollama_url}) {
        const auto init =
            request("initialize", {{"protocolVersion", "2025-11-25"},
                                   {"capabilities", json::object()},
                                   {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
        if (!init.contains("result")) throw std::runtime_error("initialize: " + init.dump());
        child_.write_line(json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}.dump());
    }
    // The response to one request (notifications before it skipped); {} when none came.
    json request(const std::string& method, const json& params) {
        const int id = ++next_id_;
        if (!child_.write_line(
                json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}
                    .dump())) {
            return {};
        }
        const auto deadline = Clock::now() + 10s;
        while (Clock::now() < deadline) {
            const auto line = child_.read_line(10s);
            if (!line) return {};
            auto message = json::parse(*line, nullptr, false);
            if (message.is_object() && message.value("id", json()) == id) return message;
        }
        return {};
    }
    // A tool call's text, or nullopt when it failed (no response, an error, isError).
    std::optional<std::string> tool(const std::string& name, const json& arguments) {
        const auto r = request("tools/call", {{"name", name}, {"arguments", arguments}});
        if (!r.contains("result") || r["result"].value("isError", false)) return std::nullopt;
        return r["result"]["content"][0].value("text", "");
    }
    StdioChild& child() { return child_; }

  private:
    StdioChild child_;
    int next_id_ = 0;
};

}  // namespace

TEST_F(SharedFolder, TwoServersSavingAtOnceLoseNothing) {
    constexpr std::size_t kClients = 4;  // 0, 2 on the first server; 1, 3 on the second
    constexpr std::size_t kSaves = 60;   // per client
    const std::vector<std::string> shared = {"21", "22"};
    std::vector<std::unique_ptr<McpClient>> clients;
    for (std::size_t c = 0; c < kClients; ++c) {
        clients.push_back(c % 2 == 0 ? connect() : connect_to(*second_));
    }
    std::mutex mutex;
    std::map<std::string, Save> last_own;                   // distinct patients
    std::map<std::string, std::vector<Save>> shared_saves;  // every acknowledged one
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < kClients; ++c) {
        threads.emplace_back([&, c] {
            common::Rng rng(1000 + c);
            for (std::size_t n = 0; n < kSaves; ++n) {
                // Client c owns P(c+1), P(c+5), P(c+9), P(c+13), P(c+17); every fifth save
                // goes to a shared patient; some of its own get generate_summary(save).
                const bool to_shared = n % 5 == 4;
                const auto id = to_shared ? shared[rng.below(shared.size())]
                                          : core::patient_id_for(c + 1 + kClients * rng.below(5));
                const bool generate = !to_shared && rng.below(4) == 0;
                Save s{{}, Clock::now(), {}};
                CallResult r;
                if (generate) {
                    r = clients[c]->tool("generate_summary", {{"patient_id", id}, {"save", true}},
                                         10s);
                    s.value = generated_part(r.text());
                } else {
                    s.value = summary_text("c" + std::to_string(c), n, id, rng);
                    r = clients[c]->tool("update_patient_summary",
                                         {{"patient_id", id}, {"summary", s.value}}, 10s);
                }
                s.acknowledged = Clock::now();
                std::lock_guard lock(mutex);
                if (!r.ok || r.is_tool_error() || s.value.empty()) {
                    errors.push_back(id + ": " + r.describe());
                    return;
                }
                if (to_shared) {
                    shared_saves[id].push_back(std::move(s));
                } else {
                    last_own[id] = std::move(s);
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(errors.empty()) << errors.front();

    const auto rows = file_rows();
    ASSERT_EQ(rows.size(), 100u);
    // Distinct patients: each one's last acknowledged save, whichever server took it.
    for (const auto& [id, save] : last_own) {
        EXPECT_EQ(rows.at(id), save.value) << id << ": an acknowledged save was lost";
    }
    EXPECT_EQ(last_own.size(), 20u);
    // Shared patients: a save the file holds, and none acknowledged after it was sent
    // after it was acknowledged (that one was committed later, so it must have won).
    for (const auto& [id, saves] : shared_saves) {
        const std::string& held = rows.at(id);  // clang 14 cannot capture a structured binding
        const auto found = std::find_if(saves.begin(), saves.end(),
                                        [&held](const Save& s) { return s.value == held; });
        ASSERT_NE(found, saves.end()) << id << ": the file holds no acknowledged save";
        for (const auto& other : saves) {
            EXPECT_FALSE(other.sent > found->acknowledged)
                << id << ": the file holds an older save than one sent after it was acknowledged";
        }
    }
    // The last word on a shared patient, then read through the other server.
    auto a = connect();
    auto b = connect_to(*second_);
    ASSERT_FALSE(
        a->tool("update_patient_summary", {{"patient_id", "21"}, {"summary", "from A"}}, 5s)
            .is_tool_error());
    EXPECT_TRUE(served_eventually(*b, "21", "from A"));
    ASSERT_FALSE(
        b->tool("update_patient_summary", {{"patient_id", "21"}, {"summary", "then B"}}, 5s)
            .is_tool_error());
    EXPECT_TRUE(served_eventually(*a, "21", "then B"));
    EXPECT_EQ(file_rows().at("21"), "then B");
}

TEST_F(SharedFolder, KillNineOfOneServerMidBurstTheOtherKeepsSavingNothingLost) {
    constexpr std::size_t kRounds = 8;
    common::Rng pacing(20261204);
    // Each client owns five patients (P1-P10: the first server's two clients, P11-P20 the
    // second's), so a patient's last acknowledged save, or the one in flight at the kill,
    // is what the file must hold.
    std::map<std::string, std::string> last;
    std::map<std::string, std::string> in_flight;
    for (std::size_t round = 0; round < kRounds; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        std::atomic<bool> killed{false};
        std::atomic<std::size_t> second_acks_after_kill{0};
        std::mutex mutex;
        std::vector<std::string> errors;
        auto burst = [&](McpClient& client, std::size_t first, bool on_killed, std::uint64_t seed) {
            common::Rng rng(seed);
            const auto deadline = Clock::now() + 3s;
            for (std::size_t n = 0; Clock::now() < deadline; ++n) {
                if (!on_killed && killed.load() && second_acks_after_kill.load() > 40) return;
                const auto id = core::patient_id_for(first + rng.below(5));
                auto value = summary_text("r" + std::to_string(round), n, id, rng);
                {
                    std::lock_guard lock(mutex);
                    in_flight[id] = value;
                }
                const auto r = client.tool("update_patient_summary",
                                           {{"patient_id", id}, {"summary", value}}, 10s);
                std::lock_guard lock(mutex);
                if (!r.ok || r.is_tool_error()) {
                    if (!on_killed) errors.push_back(id + ": " + r.describe());
                    return;  // stays in flight
                }
                last[id] = std::move(value);
                in_flight.erase(id);
                if (!on_killed && killed.load()) second_acks_after_kill.fetch_add(1);
            }
        };
        std::vector<std::unique_ptr<McpClient>> clients;
        for (int i = 0; i < 2; ++i) clients.push_back(connect());
        for (int i = 0; i < 2; ++i) clients.push_back(connect_to(*second_));
        std::vector<std::thread> threads;
        // Two clients a server: one commit may carry saves of both.
        threads.emplace_back(burst, std::ref(*clients[0]), 1, true, pacing.next());
        threads.emplace_back(burst, std::ref(*clients[1]), 6, true, pacing.next());
        threads.emplace_back(burst, std::ref(*clients[2]), 11, false, pacing.next());
        threads.emplace_back(burst, std::ref(*clients[3]), 16, false, pacing.next());
        std::this_thread::sleep_for(std::chrono::microseconds(30000 + pacing.below(200000)));
        server().signal(SIGKILL);
        killed.store(true);
        EXPECT_EQ(server().wait_exit(10s), 128 + SIGKILL);
        for (auto& t : threads) t.join();
        ASSERT_TRUE(errors.empty()) << errors.front();
        EXPECT_GT(second_acks_after_kill.load(), 40u) << "the second server stopped saving";

        const auto rows = file_rows();
        ASSERT_EQ(rows.size(), 100u);
        for (const auto& [id, value] : last) {
            const auto flying = in_flight.find(id);
            const bool ok = rows.at(id) == value ||
                            (flying != in_flight.end() && rows.at(id) == flying->second);
            EXPECT_TRUE(ok) << id << ": acknowledged save lost";
            last[id] = rows.at(id);  // what the file holds is the base of the next round
        }
        in_flight.clear();
        start_server();  // the first server again, on the same folder
    }
}

// Three stdio servers, as an MCP host starts one per client, on one folder: each saves to
// its own patients and to a shared one; every acknowledged save is in the file, and each
// server serves the others' saves.
TEST(SharedFolderStdio, ThreeStdioServersOnOneFolderLoseNoSave) {
    constexpr std::size_t kServers = 3;
    constexpr std::size_t kSaves = 40;
    test_support::TempDir data("msh-it-shared-stdio");
    // The patients exist before the servers start: they would otherwise race to create them.
    core::save_patients_csv(data.path() / "patients_data.csv", core::generate_patients());
    test_support::MockProcess mock(MOCK_OLLAMA_BIN, kFastMock);
    std::vector<std::unique_ptr<StdioServer>> servers;
    for (std::size_t k = 0; k < kServers; ++k) {
        servers.push_back(std::make_unique<StdioServer>(data.path(), mock.base_url()));
    }
    std::vector<std::map<std::string, std::string>> last(kServers);  // own patients
    std::vector<std::vector<std::string>> errors(kServers);
    std::vector<std::thread> threads;
    for (std::size_t k = 0; k < kServers; ++k) {
        threads.emplace_back([&, k] {
            common::Rng rng(77 + k);
            for (std::size_t n = 0; n < kSaves; ++n) {
                const bool to_shared = n % 4 == 3;
                const auto id =
                    to_shared ? std::string("30") : core::patient_id_for(k * 5 + 1 + rng.below(5));
                const auto value = summary_text("s" + std::to_string(k), n, id, rng);
                if (!servers[k]->tool("update_patient_summary",
                                      {{"patient_id", id}, {"summary", value}})) {
                    errors[k].push_back(id + ": save failed");
                    return;
                }
                if (!to_shared) last[k][id] = value;
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) ASSERT_TRUE(e.empty()) << e.front();

    // Each server returns the other servers' last saves (its idle check re-reads the file).
    for (std::size_t k = 0; k < kServers; ++k) {
        const auto& [id, value] = *last[(k + 1) % kServers].begin();
        std::optional<std::string> seen;
        const auto deadline = Clock::now() + 3s;
        do {
            seen = servers[k]->tool("get_patient_summary", {{"patient_id", id}});
            if (seen && seen->find(value) != std::string::npos) break;
            std::this_thread::sleep_for(20ms);
        } while (Clock::now() < deadline);
        ASSERT_TRUE(seen.has_value());
        EXPECT_NE(seen->find(value), std::string::npos)
            << "server " << k << " does not serve " << id << " saved through another";
    }
    for (auto& s : servers) {
        s->child().close_stdin();
        EXPECT_EQ(s->child().wait_exit(10s), 0) << s->child().stderr_text();
    }
    std::map<std::string, std::string> rows;
    try {
        for (auto& r : core::load_summaries_csv(data.path() / "patient_summaries.csv")) {
            rows[r.patient_id] = r.summary;
        }
    } catch (const core::DataFileError& e) {
        FAIL() << "the summaries file does not parse: " << e.what();
    }
    for (const auto& own : last) {
        for (const auto& [id, value] : own) {
            EXPECT_EQ(rows[id], value) << id << ": an acknowledged save was lost";
        }
    }
    EXPECT_EQ(rows["30"].rfind("s", 0), 0u) << "the shared patient holds no save";
}

}  // namespace server_test
