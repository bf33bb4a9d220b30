#include "mock_ollama/http_server.hpp"

#include <atomic>
#include <csignal>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "http/http_session.hpp"
#include "mock_ollama/handler_guard.hpp"
#include "http/session_registry.hpp"

namespace mock_ollama {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts connections; each gets its own strand and session object.
class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(net::io_context& io, ServerContext& ctx) : io_(io), acceptor_(io), ctx_(ctx) {}

    tcp::endpoint open(const tcp::endpoint& endpoint) {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
        return acceptor_.local_endpoint();
    }

    void accept() {
        acceptor_.async_accept(net::make_strand(io_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

    void stop() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ignored;
            self->acceptor_.close(ignored);
        });
    }

  private:
    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;
        if (ec) {
            // Out of descriptors, for instance: say so and keep accepting.
            ctx_.log.warn("accept failed: " + ec.message());
        } else {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);  // tokens are tiny writes
            std::make_shared<HttpSession>(std::move(socket), ctx_)->start();
        }
        if (acceptor_.is_open()) accept();
    }

    net::io_context& io_;
    tcp::acceptor acceptor_;
    ServerContext& ctx_;
};

MockServer::MockServer(MockConfig config)
    : config_(std::move(config)),
      logger_("mock-ollama", config_.log_level),
      log_(config_.request_log_limit),
      api_(config_, stats_, log_, logger_),
      sessions_(std::make_unique<SessionRegistry>()),
      context_{config_, api_, stats_, logger_, *sessions_},
      io_(static_cast<int>(thread_count())) {}

MockServer::~MockServer() {
    stop();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    release_sessions();
}

unsigned MockServer::thread_count() const {
    if (config_.threads > 0) return config_.threads;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? hw : 1;
}

tcp::endpoint MockServer::listen() {
    const auto address = net::ip::make_address(config_.host);
    listener_ = std::make_shared<Listener>(io_, context_);
    const auto bound = listener_->open(tcp::endpoint(address, config_.port));
    listener_->accept();
    return bound;
}

void MockServer::stop_on_signals() {
    signals_.emplace(io_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code ec, int signo) {
        if (ec) return;
        logger_.info("signal " + std::to_string(signo) + ": stopping");
        stop();
    });
}

void MockServer::run() {
    const unsigned n = thread_count();
    for (unsigned i = 1; i < n; ++i) {
        threads_.emplace_back([this] { run_event_loop(io_, logger_); });
    }
    run_event_loop(io_, logger_);
    for (auto& t : threads_) t.join();
    threads_.clear();
    release_sessions();
}

void MockServer::start_background() {
    const unsigned n = thread_count();
    for (unsigned i = 0; i < n; ++i) {
        threads_.emplace_back([this] { run_event_loop(io_, logger_); });
    }
}

void MockServer::stop() {
    if (listener_) listener_->stop();
    // Each connection shuts down on its own strand, and the loop stops only once the last
    // one has: stopping it at once would drop those handlers unrun, and a session whose
    // generation never ends (a stall) would stay in a cycle with it and leak.
    const auto live = sessions_->live();
    if (live.empty()) {
        io_.stop();
        return;
    }
    auto pending = std::make_shared<std::atomic<std::size_t>>(live.size());
    for (const auto& session : live) {
        net::post(session->executor(), [session, pending, &io = io_] {
            // Counted down even if shutdown() throws, so that the loop always ends. A handler
            // destroyed unrun (the loop already stopped) counts nothing: release_sessions()
            // then does its work.
            struct Countdown {
                std::atomic<std::size_t>& left;
                boost::asio::io_context& io;
                ~Countdown() {
                    if (left.fetch_sub(1) == 1) io.stop();
                }
            } countdown{*pending, io};
            session->shutdown();
        });
    }
}

void MockServer::release_sessions() {
    // No thread runs the loop any more, so nothing else can touch a session: calling it off
    // its strand is safe here. These are the sessions stop() did not reach: accepted while it
    // ran, or stopped while no loop was running. Their pending handlers are destroyed with
    // the io_context.
    for (const auto& session : sessions_->live()) session->shutdown();
}

}  // namespace mock_ollama
