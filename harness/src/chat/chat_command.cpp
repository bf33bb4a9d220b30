// `mcp-harness chat`: the server chosen (or ours started, with its mock), then one
// ChatSession on a single-threaded event loop run by this thread.
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "chat/chat_session.hpp"
#include "chat/terminal.hpp"
#include "cli/commands.hpp"
#include "harness/connection.hpp"
#include "harness/runner.hpp"
#include "harness/service_process.hpp"

namespace harness::cli {

namespace fs = std::filesystem;

namespace {

// A data folder made for this session, removed with it.
struct TempFolder {
    fs::path path;
    TempFolder() {
        std::string pattern = (fs::temp_directory_path() / "mcp-harness-chat-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary data folder in " +
                                     fs::temp_directory_path().string());
        }
        path = pattern;
    }
    ~TempFolder() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
};

// Our own server (and, without --ollama-url, our mock), as `run` starts them, alive while the
// session lasts.
struct OwnServices {
    std::optional<TempFolder> temp;
    std::optional<ServiceProcess> mock, server;
};

void start_own(const ChatConfig& c, OwnServices& own, chat::SessionOptions& s) {
    const fs::path self = fs::read_symlink("/proc/self/exe");
    std::string ollama = c.given.ollama_url;
    if (ollama.empty()) {
        std::vector<std::string> args = {"--port", "0", "--log-level", "warn"};
        if (c.given.tps > 0) args.insert(args.end(), {"--tps", std::to_string(c.given.tps)});
        own.mock.emplace(ServiceOptions{.binary = find_binary("mock-ollama", self), .args = args});
        ollama = own.mock->url();
    }
    fs::path data = c.given.data_dir;
    if (data.empty()) {
        own.temp.emplace();
        data = own.temp->path;
    }
    const std::string server_bin = find_binary("mcp-server", self);
    std::vector<std::string> args = {"--data-dir", data.string(), "--ollama-url",
                                     ollama,       "--log-level", "warn"};
    if (c.transport == "stdio") {
        s.client.server_command = {server_bin, "--stdio"};
        s.client.server_command.insert(s.client.server_command.end(), args.begin(), args.end());
        s.server_name = "mcp-server --stdio (data in " + data.string() + ")";
        return;
    }
    args.insert(args.end(), {"--host", "127.0.0.1", "--port", "0"});
    own.server.emplace(ServiceOptions{.binary = server_bin, .args = args});
    // Its ready line names the WebSocket URL; Streamable HTTP is served on the same port and path.
    const std::string ws = own.server->url();
    s.url = c.transport == "http" ? "http://" + ws.substr(std::string("ws://").size()) : ws;
    s.server_name = s.url + " (mcp-server started here, data in " + data.string() + ")";
}

chat::SessionOptions session_options(const ChatConfig& c) {
    chat::SessionOptions s;
    s.client.transport = static_cast<Transport>(*transport_index(c.transport));
    if (!c.given.protocol_version.empty()) s.client.protocol_version = c.given.protocol_version;
    s.client.headers = c.headers;
    if (!c.given.server_url.empty()) {
        s.url = s.server_name = c.given.server_url;
    } else if (!c.given.server_cmd.empty()) {
        // The shell reads the command as the person wrote it; exec leaves no shell between.
        s.client.server_command = {"/bin/sh", "-c", "exec " + c.given.server_cmd};
        s.server_name = c.given.server_cmd;
    }
    return s;
}

}  // namespace

int chat_command(const ChatConfig& c) {
    chat::SessionOptions s = session_options(c);
    OwnServices own;
    if (c.given.server_url.empty() && c.given.server_cmd.empty()) {
        try {
            start_own(c, own, s);
        } catch (const std::exception& e) {
            std::cerr << "mcp-harness chat: " << e.what() << '\n';
            return kHarnessError;
        }
    }
    boost::asio::io_context io(1);
    chat::Terminal terminal;
    chat::ChatSession session(io, terminal, std::move(s));
    session.start();
    io.run();
    return session.exit_code() == 0 ? 0 : kHarnessError;
}

}  // namespace harness::cli
