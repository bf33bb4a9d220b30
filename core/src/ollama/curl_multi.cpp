#include "ollama/curl_multi.hpp"

#include <stdexcept>

namespace core {

namespace net = boost::asio;
using tcp = net::ip::tcp;

CurlMulti::CurlMulti(net::any_io_executor strand)
    : strand_(std::move(strand)), multi_(curl_multi_init()), timer_(strand_) {
    if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() {
    for (auto& [easy, done] : done_) curl_multi_remove_handle(multi_, easy);
    curl_multi_cleanup(multi_);
}

void CurlMulti::prepare(CURL* easy) {
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlMulti::open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMulti::close_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

void CurlMulti::add(CURL* easy, Done done) {
    done_[easy] = std::move(done);
    curl_multi_add_handle(multi_, easy);  // schedules a timeout at once, via on_timer
}

void CurlMulti::remove(CURL* easy) {
    if (done_.erase(easy) == 0) return;
    curl_multi_remove_handle(multi_, easy);
}

curl_socket_t CurlMulti::open_socket(void* self_p, curlsocktype purpose, curl_sockaddr* address) {
    auto* self = static_cast<CurlMulti*>(self_p);
    if (purpose != CURLSOCKTYPE_IPCXN ||
        (address->family != AF_INET && address->family != AF_INET6)) {
        return CURL_SOCKET_BAD;
    }
    auto s = std::make_unique<Socket>(Socket{tcp::socket(self->strand_)});
    boost::system::error_code ec;
    s->socket.open(address->family == AF_INET ? tcp::v4() : tcp::v6(), ec);
    if (ec) return CURL_SOCKET_BAD;
    const curl_socket_t fd = s->socket.native_handle();
    self->sockets_[fd] = std::move(s);
    return fd;
}

int CurlMulti::close_socket(void* self_p, curl_socket_t fd) {
    auto* self = static_cast<CurlMulti*>(self_p);
    auto it = self->sockets_.find(fd);
    if (it == self->sockets_.end()) return 0;
    boost::system::error_code ec;
    it->second->socket.close(ec);  // pending waits complete with operation_aborted
    self->sockets_.erase(it);
    return 0;
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self_p, void*) {
    auto* self = static_cast<CurlMulti*>(self_p);
    auto it = self->sockets_.find(fd);
    if (it == self->sockets_.end()) return 0;
    it->second->wanted = what == CURL_POLL_REMOVE ? 0 : what;
    if (what == CURL_POLL_REMOVE) {
        boost::system::error_code ec;
        it->second->socket.cancel(ec);
        return 0;
    }
    self->arm(fd);
    return 0;
}

// Waits for what curl wants on `fd`, unless that wait is already posted.
void CurlMulti::arm(curl_socket_t fd) {
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    Socket& s = *it->second;
    if ((s.wanted & CURL_POLL_IN) && !s.reading) {
        s.reading = true;
        // guarded: the socket's close, queued by our destructor, finds us gone
        s.socket.async_wait(tcp::socket::wait_read,
                            guarded([this, fd](boost::system::error_code ec) {
                                auto i = sockets_.find(fd);
                                if (i == sockets_.end()) return;  // closed meanwhile
                                i->second->reading = false;
                                if (ec == net::error::operation_aborted) return arm(fd);
                                action(fd, ec ? CURL_CSELECT_ERR : CURL_CSELECT_IN);
                            }));
    }
    if ((s.wanted & CURL_POLL_OUT) && !s.writing) {
        s.writing = true;
        s.socket.async_wait(tcp::socket::wait_write,
                            guarded([this, fd](boost::system::error_code ec) {
                                auto i = sockets_.find(fd);
                                if (i == sockets_.end()) return;
                                i->second->writing = false;
                                if (ec == net::error::operation_aborted) return arm(fd);
                                action(fd, ec ? CURL_CSELECT_ERR : CURL_CSELECT_OUT);
                            }));
    }
}

void CurlMulti::action(curl_socket_t fd, int event) {
    int running = 0;
    curl_multi_socket_action(multi_, fd, event, &running);
    check_done();
    if (fd != CURL_SOCKET_TIMEOUT) arm(fd);  // curl may still want this socket
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self_p) {
    auto* self = static_cast<CurlMulti*>(self_p);
    if (timeout_ms < 0) {
        self->due_.reset();  // a pending wait finds nothing due
        return 0;
    }
    const auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    self->due_ = due;
    // A wait that ends no later than `due` is kept: when it ends it waits again for due_.
    if (self->timer_waiting_ && self->timer_.expiry() <= due) return 0;
    // Even a zero timeout goes through the loop: curl forbids calling back into
    // curl_multi_socket_action from inside this callback.
    self->timer_.expires_at(due);  // a later wait, if any, ends with operation_aborted
    self->wait_timer();
    return 0;
}

void CurlMulti::wait_timer() {
    timer_waiting_ = true;
    // guarded: a completion queued with success before our destructor ran finds us gone
    timer_.async_wait(guarded([this](boost::system::error_code ec) {
        if (ec) return;  // replaced by an earlier wait (which set timer_waiting_), or closing
        timer_waiting_ = false;
        if (!due_) return;
        if (std::chrono::steady_clock::now() < *due_) {
            timer_.expires_at(*due_);
            return wait_timer();
        }
        due_.reset();
        action(CURL_SOCKET_TIMEOUT, 0);
    }));
}

void CurlMulti::check_done() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        const CURLcode code = msg->data.result;
        auto it = done_.find(easy);
        curl_multi_remove_handle(multi_, easy);
        if (it == done_.end()) continue;
        Done done = std::move(it->second);
        done_.erase(it);
        done(code);
    }
}

}  // namespace core
