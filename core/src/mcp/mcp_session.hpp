#pragma once
// The MCP protocol for one client connection, independent of the transport: JSON-RPC
// dispatch, the initialize lifecycle, the four tools, token relay while generating, and
// cancellation. Runs on the connection's strand; replies go out through `send`.
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

class McpSession : public std::enable_shared_from_this<McpSession> {
  public:
    using Send = std::function<void(std::string frame)>;

    McpSession(ServerState& state, boost::asio::any_io_executor strand, Send send,
               std::string peer);

    // One text frame from the client (on the strand).
    void on_message(std::string_view frame);
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
    void tools_call(const Request& request);
    void generate(const std::shared_ptr<Call>& call);
    void relay(const std::shared_ptr<Call>& call, std::string_view token);
    void generated(const std::shared_ptr<Call>& call, OllamaResult result);
    void save(const std::shared_ptr<Call>& call, std::string summary,
              std::function<void(SaveResult)> then);
    void reply(const std::shared_ptr<Call>& call, const nlohmann::json& result);
    void reply_error(const Id& id, RpcError error);

    ServerState& state_;
    boost::asio::any_io_executor strand_;
    Send send_;
    std::string peer_;
    bool closed_ = false;
    bool initialized_ = false;
    std::size_t generating_ = 0;
    std::map<std::string, std::shared_ptr<Call>> calls_;  // by request id (JSON text)
};

}  // namespace core
