#include "harness/connect_window.hpp"

#include <stdexcept>
#include <utility>

namespace harness {

ConnectWindow::ConnectWindow(std::size_t slots) : slots_(slots) {
    if (slots_ == 0) {
        throw std::invalid_argument("connects in flight must be at least 1");
    }
}

void ConnectWindow::acquire(std::function<void()> go) {
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        if (in_flight_ >= slots_) {
            waiting_.push_back(std::move(go));
            return;
        }
        ++in_flight_;
    }
    go();
}

void ConnectWindow::release() {
    std::function<void()> next;
    {
        std::lock_guard lock(mutex_);
        ++releases_;
        if (!closed_ && !waiting_.empty()) {
            // The freed slot passes straight to the next in line: in_flight_ stays.
            next = std::move(waiting_.front());
            waiting_.pop_front();
        } else if (in_flight_ > 0) {
            --in_flight_;
        }
    }
    if (next) next();
}

void ConnectWindow::close() {
    std::deque<std::function<void()>> dropped;  // destroyed outside the lock
    std::lock_guard lock(mutex_);
    closed_ = true;
    dropped.swap(waiting_);
}

std::size_t ConnectWindow::in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_;
}

std::size_t ConnectWindow::queued() const {
    std::lock_guard lock(mutex_);
    return waiting_.size();
}

std::size_t ConnectWindow::releases() const {
    std::lock_guard lock(mutex_);
    return releases_;
}

}  // namespace harness
