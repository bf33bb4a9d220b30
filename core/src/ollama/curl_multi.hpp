#pragma once
// libcurl's multi *socket* interface driven by an Asio event loop: curl tells us which
// sockets it wants to read or write and when its timer is due; Asio waits for exactly that
// and calls curl_multi_socket_action. Thousands of transfers cost no threads. Everything
// here runs on one strand (curl's multi handle is not thread-safe).
#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace core {

class CurlMulti {
  public:
    using Done = std::function<void(CURLcode)>;

    explicit CurlMulti(boost::asio::any_io_executor strand);
    ~CurlMulti();
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;

    // Starts a transfer (on the strand). `done` runs once, when curl finishes it; it does not
    // run for a transfer that is removed.
    void add(CURL* easy, Done done);
    // Stops a transfer at once (on the strand); its `done` is not called.
    void remove(CURL* easy);
    // Installs the open/close socket callbacks that let Asio own each socket.
    void prepare(CURL* easy);

    std::size_t active() const { return done_.size(); }

  private:
    struct Socket {
        boost::asio::ip::tcp::socket socket;
        int wanted = 0;  // CURL_POLL_* curl asked for
        bool reading = false, writing = false;
    };

    static int on_socket(CURL* easy, curl_socket_t s, int what, void* self, void* socketp);
    static int on_timer(CURLM* multi, long timeout_ms, void* self);
    static curl_socket_t open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
    static int close_socket(void* self, curl_socket_t s);

    void arm(curl_socket_t fd);
    void wait_timer();
    void action(curl_socket_t fd, int event);
    void check_done();
    // Wraps a wait's handler so it does nothing once we are gone (see alive_). Every
    // async_wait goes through this.
    template <class Handler>
    auto guarded(Handler handler) {
        return [alive = std::weak_ptr<void>(alive_),
                handler = std::move(handler)](boost::system::error_code ec) mutable {
            if (alive.expired()) return;
            handler(ec);
        };
    }

    boost::asio::any_io_executor strand_;
    CURLM* multi_;
    boost::asio::steady_timer timer_;
    // When curl wants its timeout action; the timer may be set earlier (it then re-waits).
    // curl moves its timeout after nearly every socket action; cancelling and re-arming the
    // timer each time cost one aborted handler per streamed token.
    std::optional<std::chrono::steady_clock::time_point> due_;
    bool timer_waiting_ = false;
    std::map<curl_socket_t, std::unique_ptr<Socket>> sockets_;
    std::map<CURL*, Done> done_;
    // Expires with us. Closing a socket queues its waits (operation_aborted) to run after we
    // are gone; they look here first. We are destroyed on the strand (by a handler dropping
    // the owner's last reference) or after the loop has stopped, so no wait runs meanwhile.
    std::shared_ptr<void> alive_ = std::make_shared<char>();
};

}  // namespace core
