#pragma once
// One HTTP/1.1 connection: reads requests (bounded in size and time), writes replies, and
// hosts at most one generation at a time. All of it runs on the connection's strand.
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mock_ollama/api.hpp"
#include "mock_ollama/http_server.hpp"

namespace mock_ollama {

class GenerationRun;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
  public:
    HttpSession(boost::asio::ip::tcp::socket&& socket, ServerContext& context);
    ~HttpSession();

    void start();

    // For the generation hosted by this session; called on the session's strand.
    boost::asio::any_io_executor executor() { return stream_.get_executor(); }
    // Queues bytes for the client and writes them at once when no write is in flight. Past
    // the queue limit the client is too slow: the connection is closed rather than
    // buffering without bound.
    void send(std::string_view bytes);
    // The same for one chunk of a chunked body, framed in place (no copy of `data` made).
    void send_chunk(std::string_view data);
    // While corked, sends only queue; uncork writes them all at once. A generation corks
    // while it emits every token already due (a fast stream, or one behind schedule).
    void cork() { corked_ = true; }
    void uncork();
    // Bytes not yet handed to the kernel, and whether the socket is full (a write waits).
    std::size_t queued() const { return pending_.size(); }
    bool write_in_flight() const { return write_in_flight_; }
    void close(bool reset);
    bool closed() const { return closed_; }
    // The server is stopping: a generation in progress ends (outcome "server_stopped") and
    // the connection closes. On the session's strand, or once no thread runs the loop.
    void shutdown();
    // What the connection does once the generation's bytes are all written.
    enum class After { keep_alive, close, reset };
    void generation_finished(After after);

  private:
    enum class Next { nothing, read, close, reset };

    void wait_for_request();
    void on_first_bytes(boost::beast::error_code ec, std::size_t n);
    void read_request();
    void on_header(boost::beast::error_code ec, std::size_t n);
    void read_body();
    void on_read(boost::beast::error_code ec, std::size_t n);
    void serve(HttpRequest&& request);
    void reply_and_close(int status, std::string_view message);

    void flush();
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t n);
    void advance();

    // While a generation runs, a read stays posted so that a client that goes away is
    // noticed at once (the generation is then cancelled) even when nothing is being written.
    void watch();
    void on_watch(boost::beast::error_code ec, std::size_t n);
    void client_gone(std::string_view why);

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    ServerContext& ctx_;
    std::string writing_, pending_;
    bool write_in_flight_ = false;
    bool write_failed_ = false;
    bool corked_ = false;
    Next next_ = Next::nothing;
    bool watching_ = false;
    bool read_after_watch_ = false;
    bool closed_ = false;
    std::shared_ptr<GenerationRun> run_;
};

}  // namespace mock_ollama
