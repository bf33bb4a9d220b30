// McpClient against the official TypeScript SDK's server (tests/js/sdk_server.mjs), over
// Streamable HTTP and stdio: what a server everyone agrees is right accepts from us —
// initialize with its session, tools/list, and the session's DELETE. Skipped without node
// or the SDK installed (npm ci in tests/js).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include <nlohmann/json.hpp>

#include "client/client_waits.hpp"
#include "common/child_process.hpp"
#include "harness/event_loop.hpp"
#include "harness/mcp_client.hpp"
#include "support/processes.hpp"

namespace harness {
namespace {

using nlohmann::json;
using namespace test;  // client_waits.hpp
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kJsDir = fs::path(__FILE__).parent_path() / ".." / ".." / "js";

bool sdk_available() {
    return fs::exists(kJsDir / "node_modules" / "@modelcontextprotocol" / "sdk") &&
           std::system("node --version >/dev/null 2>&1") == 0;
}

// The SDK server reads its two CSV files at start: empty ones (a header each) will do.
void write_data(const fs::path& dir) {
    std::ofstream(dir / "patients_data.csv") << "patient_id,name\n";
    std::ofstream(dir / "patient_summaries.csv") << "patient_id,summary\n";
}

// initialize, tools/list, close: each must succeed.
void exercise(const std::string& url, const ClientOptions& options) {
    EventLoop loop(1);
    auto client = McpClient::create(loop.io());
    std::promise<std::string> connected;
    auto cf = connected.get_future();
    client->connect(url, options, [&](const ClientError& e) { connected.set_value(e.message); });
    ASSERT_EQ(get_within(cf, 20s), "");
    auto ip = std::make_shared<std::promise<CallRecord>>();
    auto init = ip->get_future();
    client->initialize("", {{"name", "mcp-harness-test"}, {"version", "1"}},
                       [ip](CallRecord r) { ip->set_value(std::move(r)); });
    const auto i = get_within(init, 20s);
    ASSERT_TRUE(i.ok()) << i.error << " " << i.response.dump();
    EXPECT_TRUE(i.response["result"].contains("serverInfo")) << i.response.dump();
    auto lp = std::make_shared<std::promise<CallRecord>>();
    auto list = lp->get_future();
    client->call("tools/list", json::object(), [lp](CallRecord r) { lp->set_value(std::move(r)); });
    const auto l = get_within(list, 20s);
    ASSERT_TRUE(l.ok()) << l.error << " " << l.response.dump();
    EXPECT_FALSE(l.response["result"]["tools"].empty());
    std::promise<std::string> closed;
    auto clf = closed.get_future();
    client->close([&](const ClientError& e) { closed.set_value(e.message); });
    EXPECT_EQ(get_within(clf, 20s), "");
}

TEST(SdkInterop, StreamableHttpWithASession) {
    if (!sdk_available()) GTEST_SKIP() << "node or the MCP SDK (tests/js) is not installed";
    test_support::TempDir dir("msh-sdk");
    write_data(dir.path());
    common::ChildProcess server(
        {.argv = {"/usr/bin/env", "node", (kJsDir / "sdk_server.mjs").string(), "--transport",
                  "http", "--port", "0", "--data-dir", dir.path().string()},
         .stderr_file = dir.path() / "stderr.log"});
    const auto line = server.wait_for_line("listening on", 20s);
    const auto port = common::port_from_ready_line(line);
    ASSERT_NE(port, 0) << line;
    ClientOptions o;
    o.transport = Transport::http;
    exercise("http://127.0.0.1:" + std::to_string(port) + "/mcp", o);
}

TEST(SdkInterop, Stdio) {
    if (!sdk_available()) GTEST_SKIP() << "node or the MCP SDK (tests/js) is not installed";
    test_support::TempDir dir("msh-sdk");
    write_data(dir.path());
    ClientOptions o;
    o.transport = Transport::stdio;
    o.server_command = {"node",        (kJsDir / "sdk_server.mjs").string(),
                        "--transport", "stdio",
                        "--data-dir",  dir.path().string()};
    exercise("stdio", o);
}

}  // namespace
}  // namespace harness
