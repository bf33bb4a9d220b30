#pragma once
// The fake server's upstream: one streaming POST /api/generate to mock-ollama on the caller's
// io_context (Beast, no thread of its own). Each token's text as it arrives, then exactly one
// end: done, failed (a one-line reason) or stalled (nothing received for the inactivity
// timeout, measured from the last byte, as mcp-server's client does). No flaws here: they
// are the server's, in fake_server.cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/ndjson.hpp"

namespace harness_e2e {

struct UpstreamEnd {
    enum class Kind { done, failed, stalled };
    Kind kind = Kind::done;
    std::string message;  // failed, stalled: why, on one line
};

class OllamaStream : public std::enable_shared_from_this<OllamaStream> {
  public:
    using OnToken = std::function<void(const std::string& token)>;
    using OnEnd = std::function<void(const UpstreamEnd& end)>;

    OllamaStream(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint ollama,
                 std::chrono::milliseconds inactivity_timeout);

    // Callbacks run on the executor; nothing after on_end.
    void start(std::string prompt, OnToken on_token, OnEnd on_end);

  private:
    using Clock = std::chrono::steady_clock;

    void on_read(boost::beast::error_code ec);
    bool on_line(std::string_view line);
    void arm_timer();
    void end(UpstreamEnd::Kind kind, std::string message);

    boost::asio::ip::tcp::endpoint ollama_;
    std::chrono::milliseconds timeout_;
    boost::beast::tcp_stream socket_;
    boost::asio::steady_timer timer_;
    boost::beast::flat_buffer buffer_;
    boost::beast::http::request<boost::beast::http::string_body> request_;
    boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
    common::LineSplitter lines_;
    Clock::time_point last_activity_;
    OnToken on_token_;
    OnEnd on_end_;
    std::size_t tokens_ = 0;
    bool ended_ = false;
};

}  // namespace harness_e2e
