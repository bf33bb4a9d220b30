#include "cli/chat_options.hpp"

#include <stdexcept>

#include "cli/options.hpp"
#include "harness/connection.hpp"

namespace harness::cli {

void setup_chat(CLI::App& app, ChatArgs& a) {
    auto* chat = app.add_subcommand(
        "chat",
        "Talk to the server by hand: search patients by a keyword, pick one, watch "
        "generate_summary stream its tokens with a live indicator (Ctrl-C cancels), save it or "
        "not. Without a server option it starts mcp-server and mock-ollama itself. Plain lines "
        "when stdin/stdout are not a terminal, e.g. printf 'asthma\\n1\\nn\\n' | mcp-harness chat");
    chat->add_option("--server-url", a.server_url,
                     "A running server: ws://HOST:PORT/mcp (WebSocket) or http://HOST:PORT/mcp "
                     "(Streamable HTTP)");
    chat->add_option("--server-cmd", a.server_cmd,
                     "A stdio server: this shell command is started for the session, e.g. "
                     "'mcp-server --stdio --data-dir DIR'");
    chat->add_option("--transport", a.transport,
                     "ws, http or stdio: how to reach the server started here (default ws); with "
                     "--server-url or --server-cmd it must match them");
    chat->add_option("--protocol-version", a.protocol_version,
                     "The MCP revision to negotiate (default 2025-11-25; 2026-07-28 is the "
                     "stateless one)");
    chat->add_option("--header", a.headers,
                     "NAME:VALUE sent on every HTTP request and the WebSocket handshake, e.g. "
                     "'Authorization: Bearer TOKEN' (repeatable)");
    chat->add_option("--ollama-url", a.ollama_url,
                     "Without a server option: the Ollama the server started here uses "
                     "(default: a mock-ollama started here)");
    chat->add_option("--data-dir", a.data_dir,
                     "Without a server option: the server's data folder, kept (default: a "
                     "temporary folder, removed at the end)");
    chat->add_option("--tps", a.tps,
                     "Without a server option or --ollama-url: the mock's tokens per second "
                     "(default: the mock's own)")
        ->check(CLI::Range(0.1, 100000.0));
}

ChatConfig resolve_chat(const ChatArgs& a) {
    ChatConfig c;
    c.given = a;
    c.transport = chosen_transport({a.transport, a.server_url, a.server_cmd});
    if (c.transport.empty()) c.transport = std::string(kTransportNames.front());
    const bool external = !a.server_url.empty() || !a.server_cmd.empty();
    if (external) {
        for (const auto& [option, given] :
             {std::pair{"--ollama-url", &a.ollama_url}, std::pair{"--data-dir", &a.data_dir}}) {
            if (!given->empty()) {
                throw std::invalid_argument(std::string(option) +
                                            " is for the server chat starts itself: the server "
                                            "named by --server-url or --server-cmd has its own");
            }
        }
        if (a.tps > 0) throw std::invalid_argument("--tps is for the mock chat starts itself");
    }
    if (!a.ollama_url.empty() && a.tps > 0) {
        throw std::invalid_argument("--tps paces the mock chat starts; --ollama-url replaces it");
    }
    if (!a.protocol_version.empty() && !is_protocol_version(a.protocol_version)) {
        throw std::invalid_argument("--protocol-version: unknown revision '" + a.protocol_version +
                                    "'; valid: " + protocol_versions_list());
    }
    for (const auto& h : a.headers) c.headers.push_back(parse_header(h));
    if (!c.headers.empty() && c.transport == "stdio") {
        throw std::invalid_argument("--header: a stdio server gets no HTTP headers");
    }
    return c;
}

}  // namespace harness::cli
