#pragma once
// `mcp-harness chat`'s options: which server (as `run` chooses one: --server-url, --server-cmd,
// --transport; none: our own mcp-server and mock-ollama, started for the session) and, for
// the server started here, its Ollama, data folder and the mock's pace.
#include <string>
#include <utility>
#include <vector>

#include <CLI/App.hpp>

namespace harness::cli {

struct ChatArgs {
    std::string server_url, server_cmd, transport, protocol_version;
    std::vector<std::string> headers;  // "NAME:VALUE", each --header
    std::string ollama_url;            // our server's Ollama ("": our mock-ollama)
    std::string data_dir;              // our server's data folder ("": a temporary one)
    double tps = 0;                    // our mock's tokens per second (0: its default)
};

struct ChatConfig {
    ChatArgs given;
    std::string transport;  // ws, http or stdio
    std::vector<std::pair<std::string, std::string>> headers;
};

void setup_chat(CLI::App& app, ChatArgs& args);
// Throws std::invalid_argument naming the option.
ChatConfig resolve_chat(const ChatArgs& args);

}  // namespace harness::cli
