#include "harness/event_loop.hpp"

namespace harness {

EventLoop::EventLoop(unsigned threads)
    : io_(static_cast<int>(threads == 0 ? 1 : threads)), guard_(io_.get_executor()) {
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
