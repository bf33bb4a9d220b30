#pragma once
// The fixture of the mcp-server integration tests: a mock-ollama and an mcp-server child on
// port 0 in a fresh data folder, clients connected to it, and checks that compare what a
// client received with what the mock says it emitted (evidence printed on failure).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/patients.hpp"
#include "core/tools.hpp"
#include "support/http.hpp"
#include "support/mcp_client.hpp"
#include "support/processes.hpp"

namespace server_test {

using nlohmann::json;
using test_support::CallResult;
using test_support::Clock;
using test_support::Frame;
using test_support::McpClient;
using namespace std::chrono_literals;

// Short, fast generations: 20 tokens, the first after 20 ms, then 200 per second.
inline const std::vector<std::string> kFastMock = {"--ttft", "20",       "--tps",
                                                   "200",    "--tokens", "20"};

// The mcp-server under test: $MSH_MCP_SERVER_BIN when set, else this build's.
std::string server_binary();

class ServerTest : public ::testing::Test {
  protected:
    // A mock with `mock_args`, then a server pointed at it with `server_args` (unless those
    // name their own --ollama-url).
    void start(std::vector<std::string> mock_args = kFastMock,
               std::vector<std::string> server_args = {});
    void start_mock(std::vector<std::string> args);
    void start_server(std::vector<std::string> args = {});
    // SIGTERM (asserting exit status 0), then a new server on the same data folder.
    void restart_server(std::vector<std::string> args = {});

    test_support::MockProcess& mock() { return *mock_; }
    test_support::ServerProcess& server() { return *server_; }
    const std::filesystem::path& data_dir() const { return data_.path(); }

    // A connected client, initialized; throws (failing the test) when that is not possible.
    std::unique_ptr<McpClient> connect(test_support::ConnectOptions options = {});

    // The patients as the server created them in the data folder.
    const core::Patient& patient(const std::string& id);
    std::string prompt_for(const std::string& id) { return core::summary_prompt(patient(id)); }
    // Text of the prompt that identifies the patient, for mock rules.
    std::string name_match(const std::string& id) { return "Name: " + patient(id).name + "\n"; }
    // A mock rule that gives this patient's generations `fault` (once).
    void fault_once(const std::string& id, const std::string& fault);

    // patient_summaries.csv parsed (header first); fails the test when it does not parse.
    std::vector<std::vector<std::string>> summaries_csv();
    // The saved summary of `id` in patient_summaries.csv; nullopt when the row is missing.
    std::optional<std::string> saved_summary(const std::string& id);

    // "Generated Summary for <name> (ID: <id>):\n\n<trimmed mock text>"
    std::string expected_generated_text(const std::string& id, const json& mock_record);

    // The newest mock record of `id`'s prompt once it settled (bounded poll); fails the test
    // when there is none.
    json settled_record(const std::string& id, std::chrono::milliseconds timeout = 5s,
                        bool with_tokens = true);

    // Polls the server's log until `needle` appears in it (bounded); false on timeout.
    bool wait_for_server_log(const std::string& needle, std::chrono::milliseconds timeout);

  private:
    test_support::TempDir data_{"msh-it-data"};
    std::unique_ptr<test_support::MockProcess> mock_;
    std::unique_ptr<test_support::ServerProcess> server_;
    std::vector<std::string> server_args_;
    std::vector<core::Patient> patients_;
};

// Texts of a mock record's tokens, in emission order.
std::vector<std::string> mock_tokens(const json& record);

enum class StreamForm { legacy, progress };

// The token frames among `frames` that belong to one call: legacy stream_token frames whose
// "id" equals `key`, or notifications/progress whose progressToken equals `key`.
std::vector<Frame> token_frames(const std::vector<Frame>& frames, StreamForm form, const json& key);
// The token texts of such frames.
std::vector<std::string> token_texts(const std::vector<Frame>& frames, StreamForm form);

// Checks the frames of one call against the mock's record: same count, same texts in the
// same order; legacy: `position` strictly increasing and equal to the code points so far,
// `id` equal to `key`; progress: progressToken equal to `key`, progress 1, 2, 3...
::testing::AssertionResult stream_matches(const std::vector<Frame>& frames, StreamForm form,
                                          const json& key, const json& mock_record);

// The parts joined.
std::string concat(const std::vector<std::string>& parts);

// Quantile (0..1) of `values` (copied and sorted); 0 when empty.
double quantile(std::vector<double> values, double q);

}  // namespace server_test
