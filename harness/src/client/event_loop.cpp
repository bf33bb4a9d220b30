#include "harness/event_loop.hpp"

#include "harness/read_mux.hpp"

namespace harness {

EventLoop::EventLoop(unsigned threads)
    : io_(static_cast<int>(threads == 0 ? 1 : threads)), guard_(io_.get_executor()) {
    // One thread is every handler's implicit strand: its clients may share one epoll set
    // for their reads (harness/read_mux.hpp says why).
    if (threads <= 1) boost::asio::make_service<ReadMux>(io_);
    for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i) {
        threads_.emplace_back([this] { io_.run(); });
    }
}

EventLoop::~EventLoop() {
    stop();
}

void EventLoop::stop() {
    guard_.reset();
    io_.stop();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

}  // namespace harness
