#pragma once
// The transports other than WebSocket (Streamable HTTP, stdio) behind one interface that
// McpClient drives on its strand: the client keeps its calls, router, deadlines and stats;
// a link only moves JSON-RPC messages and says what became of them.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "harness/mcp_client.hpp"

namespace harness {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

// What a link tells its client, on the client's strand.
struct LinkEvents {
    // One JSON-RPC message arrived (stamped when its bytes were read).
    std::function<void(std::string_view text, Arrival at)> message;
    // A request's bytes were handed to the kernel.
    std::function<void(const std::string& call_id, Arrival at)> sent;
    // A request will get no response through this link (an HTTP status, a lost stream).
    std::function<void(const std::string& call_id, const std::string& error)> call_failed;
    // A notification or raw message was not delivered.
    std::function<void(const std::string& error)> send_failed;
    // The link is gone for good (stdio: the process exited).
    std::function<void(ClientError error)> lost;
};

class McpClient::Link {
  public:
    virtual ~Link() = default;
    // Starts the link: done gets an error or none (then send() may be called).
    virtual void open(ConnectHandler done) = 0;
    // False with `error` when the message cannot even be queued.
    virtual bool send(Outgoing message, std::string& error) = 0;
    // Orderly end (http: DELETE of the session; stdio: stdin closed, the process awaited);
    // done gets what went wrong, if anything.
    virtual void close(CloseHandler done) = 0;
    // Everything stops now; no event comes after it.
    virtual void abort() = 0;
};

std::shared_ptr<McpClient::Link> make_http_link(Strand strand, const ClientOptions& options,
                                                WsUrl url, LinkEvents events);
std::shared_ptr<McpClient::Link> make_stdio_link(Strand strand, const ClientOptions& options,
                                                 LinkEvents events);

}  // namespace harness
