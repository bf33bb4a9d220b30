#include "scripted_http_server.hpp"

#include <poll.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>

namespace harness::test {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

std::string head(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                      std::string(http::obsolete_reason(static_cast<http::status>(status))) +
                      "\r\n";
    for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
    return out;
}

void write_all(tcp::socket& socket, const std::string& bytes) {
    boost::system::error_code ignored;
    net::write(socket, net::buffer(bytes), ignored);
}

}  // namespace

void Reply::send(int status, const std::string& content_type, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out = head(status, headers);
    if (!content_type.empty()) out += "Content-Type: " + content_type + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    write_all(socket_, out);
}

void Reply::start_events(const std::vector<std::pair<std::string, std::string>>& headers) {
    write_all(socket_, head(200, headers) +
                           "Content-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
}

void Reply::chunk(const std::string& bytes) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
    write_all(socket_, size + bytes + "\r\n");
}

void Reply::end_events() {
    write_all(socket_, "0\r\n\r\n");
}

bool Reply::wait_closed(int ms) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return false;
    char c;
    return ::recv(socket_.native_handle(), &c, 1, MSG_PEEK) == 0;
}

ScriptedHttpServer::ScriptedHttpServer(Handler handler)
    : handler_(std::move(handler)), acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] {
        while (!stopping_) {
            boost::system::error_code ec;
            tcp::socket socket(io_);
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++connections_;
            std::lock_guard lock(mutex_);
            threads_.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
        }
    });
}

ScriptedHttpServer::~ScriptedHttpServer() {
    // A blocked accept() is woken by a connection, not by closing the acceptor.
    stopping_ = true;
    boost::system::error_code ignored;
    {
        net::io_context io;
        tcp::socket poke(io);
        poke.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ignored);
    }
    {
        std::lock_guard lock(mutex_);
        for (auto* s : open_) s->shutdown(tcp::socket::shutdown_both, ignored);
    }
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        threads = std::move(threads_);
    }
    for (auto& t : threads) t.join();
}

void ScriptedHttpServer::serve(tcp::socket socket) {
    {
        std::lock_guard lock(mutex_);
        open_.push_back(&socket);
    }
    boost::beast::flat_buffer buffer;
    while (!stopping_) {
        http::request<http::string_body> req;
        boost::system::error_code ec;
        http::read(socket, buffer, req, ec);
        if (ec) break;
        HttpRequestSeen seen;
        seen.method = std::string(req.method_string());
        seen.target = std::string(req.target());
        seen.body = req.body();
        for (const auto& field : req) {
            std::string name(field.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            seen.headers[name] = std::string(field.value());
        }
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(seen);
        }
        seen_cv_.notify_all();
        Reply reply(socket);
        handler_(seen, reply);
    }
    std::lock_guard lock(mutex_);
    std::erase(open_, &socket);
}

std::vector<HttpRequestSeen> ScriptedHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return seen_;
}

bool ScriptedHttpServer::wait_requests(std::size_t n, int ms) const {
    std::unique_lock lock(mutex_);
    return seen_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                             [&] { return seen_.size() >= n; });
}

}  // namespace harness::test
