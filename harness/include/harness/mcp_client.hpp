#pragma once
// An asynchronous MCP client over WebSocket, Streamable HTTP or stdio (ClientOptions::
// transport; the last two live in client/http_transport.* and client/stdio_transport.*, the
// WebSocket code here), one object per connection, built to run by the
// thousand on one io_context: every handler runs on the connection's own strand, exactly one
// write is in flight with a bounded queue behind it, every read is bounded in time (idle
// timeout with keep-alive pings) and in size. Calls record what the harness measures: send
// time, each streamed token with its arrival (steady and wall clock), the final response.
//
// Public functions may be called from any thread; they post to the strand. Callbacks run on
// the strand. Errors are reported to callbacks, never thrown across the event loop. On a
// loop run by one thread, a WebSocket client waits for its reads in the loop's ReadMux
// (harness/read_mux.hpp), called on that thread: the implicit strand of the whole loop.
//
// Lifetime: the client keeps the handlers given to it (on_other's for its whole life, a
// call's until the call ends), so a handler must not own whoever owns the client: hold that
// weakly. The client holds no strong reference to itself in its own members; pending
// operations do, and destroying the io_context drops them, so a client whose loop is gone
// is released with its last outside owner.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "harness/read_mux.hpp"
#include "harness/router.hpp"

namespace harness {

namespace ws {
class FrameReader;
}
struct WsHandshake;

// ws://host[:port][/target]; port 80 when absent, target "/" when absent.
struct WsUrl {
    std::string host;
    std::string port;
    std::string target;
};
std::optional<WsUrl> parse_ws_url(std::string_view url);
// http://host[:port][/target], the same way.
std::optional<WsUrl> parse_http_url(std::string_view url);

enum class Transport { ws, http, stdio };

struct ClientOptions {
    Transport transport = Transport::ws;
    // What initialize() asks for when its caller names no version. The stateless revision
    // (common::mcp::kStatelessVersion) sends server/discover instead and puts the version,
    // the capabilities and clientInfo in every request's _meta.
    std::string protocol_version = "2025-11-25";
    // Extra HTTP headers: on every http request, and on the WebSocket handshake.
    std::vector<std::pair<std::string, std::string>> headers;
    // stdio: the server's argv, started for this client (connect()'s url is then only a name).
    std::vector<std::string> server_command;
    // http: keep-alive connections per client; a call in flight holds one.
    std::size_t max_connections = 16;
    bool offer_mcp_subprotocol = true;  // Sec-WebSocket-Protocol: mcp (as the TS SDK does)
    std::size_t max_message_bytes = 16 * 1024 * 1024;   // a larger incoming message: closed
    std::size_t queue_limit_bytes = 8 * 1024 * 1024;    // outgoing bytes waiting to be written
    std::chrono::milliseconds connect_timeout{10'000};  // TCP connect, and the handshake
    // Nothing heard from the server for this long: the connection fails. A ping goes out
    // at half of it, so a live but quiet server is never dropped.
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds request_timeout{0};  // default deadline per call; 0 = none
    std::string user_agent = "mcp-harness/0.1";
};

struct RequestOptions {
    // Ask for standard progress notifications: adds params._meta.progressToken ("pt-<id>")
    // unless the params carry one already (which is then used for routing).
    bool progress = false;
    bool keep_tokens = true;                // false: tokens are counted and timed, not stored
    std::chrono::milliseconds timeout{-1};  // < 0: ClientOptions::request_timeout; 0: none
};

struct ClientError {
    boost::system::error_code code;
    std::string message;  // empty: no error
    // The server's close frame, when it ended the connection with one.
    std::optional<int> close_code = std::nullopt;
    std::string close_reason = {};
    explicit operator bool() const { return !message.empty(); }
};

using ConnectHandler = std::function<void(const ClientError& error)>;
using CloseHandler = std::function<void(const ClientError& error)>;

class McpClient final : public std::enable_shared_from_this<McpClient>, private ReadMux::Reader {
  public:
    static std::shared_ptr<McpClient> create(boost::asio::io_context& io);
    ~McpClient();
    McpClient(const McpClient&) = delete;
    McpClient& operator=(const McpClient&) = delete;

    // Resolves, connects and completes the WebSocket handshake. on_connected gets an error
    // (and the client is closed) or none (and the client is open).
    void connect(std::string url, ClientOptions options, ConnectHandler on_connected);

    // Sends a JSON-RPC request with the next id and returns that id as JSON text. Streamed
    // tokens go to on_token; the response, a timeout or a lost connection ends the call with
    // one on_done. A call made while the client is not open ends at once with an error.
    std::string request(std::string method, nlohmann::json params, TokenHandler on_token,
                        DoneHandler on_done, RequestOptions options = {});
    // request() without a token handler.
    std::string call(std::string method, nlohmann::json params, DoneHandler on_done,
                     RequestOptions options = {});
    // initialize (protocolVersion, capabilities {}, clientInfo), then, once answered
    // successfully, notifications/initialized. An empty version: ClientOptions::
    // protocol_version. The stateless revision: server/discover, recorded the same way.
    void initialize(std::string protocol_version, nlohmann::json client_info, DoneHandler on_done);
    void notify(std::string method, nlohmann::json params = nlohmann::json::object());
    // Cancels the call `id` (request()'s return value): it ends now, its DoneHandler getting
    // the error "cancelled: REASON", and the server is sent notifications/cancelled (which
    // stops its work; it answers nothing). Nothing happens when the call has ended already.
    void cancel(const std::string& id, std::string reason);
    // Any text, as one text frame: malformed-input tests.
    void send_raw(std::string text);
    // Close handshake (1000) after the frames already queued; calls in flight end with an
    // error. on_closed runs once the connection is closed.
    void close(CloseHandler on_closed = {});

    // Set before connect(). Notifications, server requests, unrouted and invalid frames; a
    // notify() or send_raw() that could not be sent comes here too, as an invalid frame whose
    // error starts with "send: ".
    void on_other(FrameHandler handler);
    // Set before connect(). The connection ended without close() (error set), or after it.
    void on_close(CloseHandler handler);

    // Any thread.
    bool is_open() const { return open_.load(std::memory_order_relaxed); }
    // The subprotocol the server selected ("" when none); valid once connected.
    std::string subprotocol() const;
    struct Stats {
        std::uint64_t frames_in = 0, bytes_in = 0, tokens_in = 0;
        std::uint64_t frames_out = 0, bytes_out = 0;
        // The router's counts: frames received for no call in flight; invalid frames received
        // (a send that failed reaches on_other as an invalid frame but is not counted).
        std::uint64_t unrouted = 0, invalid = 0;
    };
    Stats stats() const;

    struct Outgoing {
        std::string data;
        std::string call_id;  // non-empty: stamp this call's send time
        std::string method;   // http: the Mcp-Method header ("" for send_raw)
        std::string name;     // http: the Mcp-Name header (tools/call: params.name)
        // WebSocket: data is the framed message; a control frame is counted in no stats.
        std::size_t payload_bytes = 0;
        bool control = false;
    };
    // A transport other than WebSocket, driven on the client's strand (client/transport.hpp).
    class Link;

  private:
    explicit McpClient(boost::asio::io_context& io);

    enum class State { idle, connecting, open, closing, closed };

    void do_connect(std::string url, ConnectHandler on_connected);
    void connect_link(std::string url);
    void opened();
    // From a Link: one JSON-RPC message arrived.
    void deliver(std::string_view text, Arrival at);
    // Adds the stateless revision's _meta to a request's params.
    void add_stateless_meta(nlohmann::json& params);
    void send_message(std::string text, std::string method);
    void on_resolve(boost::system::error_code ec,
                    boost::asio::ip::tcp::resolver::results_type results);
    void on_connect(boost::system::error_code ec, boost::asio::ip::tcp::endpoint);
    void on_handshake_written(boost::system::error_code ec, std::size_t);
    void on_handshake(boost::system::error_code ec, std::size_t);
    void connect_failed(boost::system::error_code ec, const std::string& what);

    void start_call(Outgoing message, CallRecord record, TokenHandler on_token, DoneHandler on_done,
                    bool keep_tokens, std::chrono::milliseconds timeout);
    bool enqueue(Outgoing item, std::string& error);
    // WebSocket: one masked frame onto the write queue (control frames skip the queue limit).
    void push_frame(int opcode, std::string_view payload, std::string call_id = {});
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);
    // Reading starts once the handshake is done: in the loop's ReadMux when it has one,
    // else with async_read_some (do_read, on_read).
    void start_reading();
    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    // ReadMux::Reader: reads until a read comes back short.
    void readable() override;
    // Room at the end of the read buffer for at least one more byte; false when a frame
    // would outgrow the message limit (the connection is then failed).
    bool make_room();
    // What one read brought (or its error); false when the connection is over.
    bool took(boost::system::error_code ec, std::size_t n);
    // The frames complete in the read buffer; false when the connection is over.
    bool take_frames();
    // The server broke the protocol (or its limit): close with `code`, then finish.
    void fail_protocol(boost::system::error_code ec, std::string why, int code);
    // Sends a close frame after what is being written, then finishes with `then` once it is
    // out (or at the close deadline).
    void close_then_finish(int code, std::string_view reason, ClientError then);
    // Queues our close frame and arms the close deadline (connect_timeout).
    void send_close(int code, std::string_view reason);
    void arm_idle_check();
    void on_idle_check(boost::system::error_code ec);
    void do_close();
    void finish(ClientError error);

    using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
    // The socket names the strand's own type, not the type-erased any_io_executor: every
    // completion of every token read goes through the executor, and the erased one copies,
    // compares and releases a shared strand per hop.
    using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Strand>;
    Strand strand_;
    boost::asio::ip::tcp::resolver resolver_;
    Socket socket_;
    // WebSocket, our own (client/ws_frame.hpp says why not Beast's stream): the handshake
    // while connecting, then one read buffer that the frame reader takes messages from in
    // place. The buffer grows to hold the largest frame seen, never beyond the message limit.
    std::unique_ptr<WsHandshake> handshake_;
    std::unique_ptr<ws::FrameReader> reader_;
    // The buffer's first size: a token's frame is ~200 bytes, and a run may hold 20,000
    // clients; it grows when a frame needs more.
    static constexpr std::size_t kReadChunk = 4 * 1024;
    std::unique_ptr<char[]> in_;
    std::size_t in_capacity_ = 0, in_size_ = 0;
    ReadMux* mux_ = nullptr;       // the loop's, when it has one
    std::uint64_t mux_watch_ = 0;  // watched by mux_ while not 0
    std::uint64_t mask_state_;     // masks the frames we send (RFC 6455: unpredictable keys)
    bool sent_close_ = false;      // our close frame is queued: nothing may follow it
    std::optional<ClientError> finish_when_written_;
    // Our own idle watchdog wakes every half idle period, instead of a timer re-armed on
    // every read (which costs more than the rest of reading a token frame).
    boost::asio::steady_timer idle_timer_;
    // The TCP connect's and the handshake's deadline; then the close handshake's.
    boost::asio::steady_timer connect_timer_;
    bool connect_timed_out_ = false;
    std::int64_t last_heard_us_ = 0;  // steady µs
    bool ping_in_flight_ = false;

    ClientOptions options_;
    WsUrl url_;
    State state_ = State::idle;
    ConnectHandler on_connected_;
    CloseHandler on_close_;
    std::vector<CloseHandler> on_closed_waiters_;
    bool close_requested_ = false;

    std::shared_ptr<Link> link_;  // http and stdio; null on WebSocket
    std::atomic<bool> stateless_{false};
    std::mutex meta_mutex_;  // connect(), initialize() and request() may run on any thread
    std::string default_version_;
    nlohmann::json client_info_ = {{"name", "mcp-harness"}};

    Router router_;
    std::deque<Outgoing> queue_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    std::unordered_map<std::string, std::unique_ptr<boost::asio::steady_timer>> deadlines_;

    std::string subprotocol_;  // written on the strand before open_ is set
    std::atomic<bool> open_{false};
    std::atomic<std::int64_t> next_id_{1};
    std::atomic<std::uint64_t> frames_in_{0}, bytes_in_{0}, tokens_in_{0};
    std::atomic<std::uint64_t> frames_out_{0}, bytes_out_{0};
};

}  // namespace harness
