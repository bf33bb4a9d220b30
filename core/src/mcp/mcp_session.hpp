#pragma once
// The MCP protocol for one client connection, independent of the transport: JSON-RPC
// dispatch, the initialize lifecycle (2025 revisions) and the stateless per-request `_meta`
// (2026-07-28), the four tools, token relay while generating, and cancellation. Runs on the
// connection's strand; replies go out through `send`.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <nlohmann/json.hpp>

#include "core/jsonrpc.hpp"
#include "core/server_state.hpp"

namespace core {

// What an outgoing message is, for a transport that answers each request on a response of
// its own (Streamable HTTP). WebSocket and stdio have one stream and ignore it.
struct Route {
    std::string_view call;  // the request id (JSON text) it belongs to; empty: none
    bool final = false;     // the response to that request: nothing follows for it
    int error = 0;          // a final error response's JSON-RPC code; 0 for a result
};

class McpSession : public std::enable_shared_from_this<McpSession> {
  public:
    using Send = std::function<void(std::string frame, const Route& route)>;

    McpSession(ServerState& state, boost::asio::any_io_executor strand, Send send,
               std::string peer);

    // One text frame from the client (on the strand).
    void on_message(std::string_view frame);
    // The same, already parsed (a transport that had to look inside it first).
    void on_incoming(const Incoming& in);
    // Cancels one call in flight, by request id (JSON text): its upstream call stops, nothing
    // is saved or sent for it. Unknown ids are ignored (finished already, or never existed).
    void cancel(const std::string& key, std::string_view why);
    // The original tutorial's `stream_token` frames for calls without a progressToken: a
    // WebSocket custom, not MCP. Other transports carry MCP messages only, so such a call gets
    // its response and no token messages there.
    void allow_legacy_frames() { legacy_frames_ = true; }
    // Called (on the strand) when a call ends by cancellation: no response will ever be sent
    // for it. A transport that holds a response open per call closes it then.
    void on_cancelled(std::function<void(std::string_view key)> hook) {
        on_cancelled_ = std::move(hook);
    }
    // The connection is gone: cancel everything in flight, save nothing, send nothing.
    void close();
    // A generation is in flight: the connection must not be dropped as idle.
    bool busy() const { return generating_ > 0; }
    std::size_t in_flight() const { return calls_.size(); }

  private:
    struct Call;

    void on_request(const Request& request);
    void on_notification(const Notification& notification);
    void initialize(const Request& request);
    // A request of the stateless revision: checks its `_meta`, then serves it.
    void stateless_request(const Request& request);
    void tools_call(const Request& request, bool stateless);
    void generate(const std::shared_ptr<Call>& call);
    // `read`: when the token was read from Ollama (for the relay-lag histogram).
    void relay(const std::shared_ptr<Call>& call, std::string_view token,
               std::chrono::steady_clock::time_point read);
    void generated(const std::shared_ptr<Call>& call, OllamaResult result);
    void save(const std::shared_ptr<Call>& call, std::string summary,
              std::function<void(SaveResult)> then);
    void reply(const std::shared_ptr<Call>& call, const nlohmann::json& result);
    void reply_error(const Id& id, RpcError error);
    void respond(const Id& id, nlohmann::json result, bool stateless);

    ServerState& state_;
    boost::asio::any_io_executor strand_;
    Send send_;
    std::function<void(std::string_view key)> on_cancelled_;
    std::string peer_;
    bool closed_ = false;
    bool legacy_frames_ = false;
    bool initialized_ = false;
    std::size_t generating_ = 0;
    std::map<std::string, std::shared_ptr<Call>> calls_;  // by request id (JSON text)
};

}  // namespace core
