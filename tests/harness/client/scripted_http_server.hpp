#pragma once
// An HTTP/1.1 server for the client's Streamable HTTP tests: listens on 127.0.0.1 port 0, a
// thread per accepted connection (test code), keep-alive, every request recorded; a handler
// answers each request through a Reply that writes raw bytes, so a test controls exactly
// what goes on the wire (an event cut across chunks, a stream left open, a status).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace harness::test {

struct HttpRequestSeen {
    std::string method, target, body;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string header(const std::string& lower_name) const {
        const auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

class Reply {
  public:
    explicit Reply(boost::asio::ip::tcp::socket& socket) : socket_(socket) {}
    // A whole response with Content-Length.
    void send(int status, const std::string& content_type, const std::string& body,
              const std::vector<std::pair<std::string, std::string>>& headers = {});
    // A chunked text/event-stream response, then its chunks (raw event-stream text each).
    void start_events(const std::vector<std::pair<std::string, std::string>>& headers = {});
    void chunk(const std::string& bytes);
    void end_events();
    // Blocks until the client closes the connection (true) or `ms` pass (false).
    bool wait_closed(int ms);

  private:
    boost::asio::ip::tcp::socket& socket_;
};

class ScriptedHttpServer {
  public:
    using Handler = std::function<void(const HttpRequestSeen& request, Reply& reply)>;

    explicit ScriptedHttpServer(Handler handler);
    ~ScriptedHttpServer();
    ScriptedHttpServer(const ScriptedHttpServer&) = delete;
    ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
    std::vector<HttpRequestSeen> requests() const;
    // Waits until `n` requests were seen; false after `ms`.
    bool wait_requests(std::size_t n, int ms) const;
    int connections() const { return connections_.load(); }

  private:
    void serve(boost::asio::ip::tcp::socket socket);

    Handler handler_;
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    mutable std::condition_variable seen_cv_;
    std::vector<HttpRequestSeen> seen_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::vector<std::thread> threads_;
    std::vector<boost::asio::ip::tcp::socket*> open_;
    std::thread accept_thread_;
};

}  // namespace harness::test
