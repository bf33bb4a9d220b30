#include "harness/read_mux.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include <boost/asio/post.hpp>

namespace harness {

namespace net = boost::asio;

namespace {

// Sockets one epoll_wait takes. A full batch is followed by another, posted behind the
// handlers already queued, so that timers and writes are not starved by a flood of reads.
constexpr int kBatch = 256;

std::uint64_t watch_of(std::uint32_t slot, std::uint32_t generation) {
    return (std::uint64_t{slot} << 32) | generation;
}

}  // namespace

ReadMux::ReadMux(net::execution_context& context)
    : net::execution_context::service(context),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      io_(static_cast<net::io_context&>(context)) {
    if (epoll_fd_ < 0) return;  // add() then says 0: clients read the ordinary way
    set_ = std::make_unique<net::posix::stream_descriptor>(io_, epoll_fd_);
}

ReadMux::~ReadMux() = default;  // set_ closes epoll_fd_

void ReadMux::shutdown() {
    // The loop is going away: the readers it keeps alive go with it, as the handlers of
    // pending reads would.
    auto slots = std::move(slots_);
    slots_.clear();
    free_slots_.clear();
    watched_ = 0;
    if (set_) {
        boost::system::error_code ignored;
        set_->close(ignored);
    }
    slots.clear();
}

std::uint64_t ReadMux::add(int fd, std::shared_ptr<Reader> reader) {
    if (!set_ || !set_->is_open() || !reader) return 0;
    std::uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    const std::uint64_t watch = watch_of(slot, ++s.generation == 0 ? ++s.generation : s.generation);
    epoll_event ev{};
    // EPOLLRDHUP: a peer's shutdown is news even when no data comes with it. EPOLLERR and
    // EPOLLHUP are always reported.
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = watch;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        free_slots_.push_back(slot);
        return 0;
    }
    s.reader = std::move(reader);
    ++watched_;
    arm();
    return watch;
}

void ReadMux::remove(int fd, std::uint64_t watch) {
    const auto slot = static_cast<std::uint32_t>(watch >> 32);
    if (slot >= slots_.size() || watch_of(slot, slots_[slot].generation) != watch ||
        !slots_[slot].reader) {
        return;
    }
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // fails only if fd is gone already
    slots_[slot].reader.reset();
    free_slots_.push_back(slot);
    --watched_;
}

void ReadMux::arm() {
    if (armed_ || !set_ || !set_->is_open()) return;
    armed_ = true;
    set_->async_wait(net::posix::stream_descriptor::wait_read,
                     [this](boost::system::error_code ec) {
                         armed_ = false;
                         if (!ec) take_batch();
                     });
}

void ReadMux::take_batch() {
    std::array<epoll_event, kBatch> events;
    int n;
    do {
        n = ::epoll_wait(epoll_fd_, events.data(), kBatch, 0);  // 0: never blocks
    } while (n < 0 && errno == EINTR);
    ++batches_;
    for (int i = 0; i < n; ++i) {
        const std::uint64_t watch = events[i].data.u64;
        const auto slot = static_cast<std::uint32_t>(watch >> 32);
        // A reader removed earlier in this batch (its client finished) is not called.
        if (slot >= slots_.size() || watch_of(slot, slots_[slot].generation) != watch) continue;
        // Held for the call: the reader may remove itself, and slots_ may grow under it.
        const std::shared_ptr<Reader> reader = slots_[slot].reader;
        if (reader) reader->readable();
    }
    if (n == kBatch) {
        armed_ = true;  // the next batch is queued: arm() must not wait as well
        net::post(io_, [this] {
            armed_ = false;
            take_batch();
        });
        return;
    }
    if (watched_ > 0) arm();
}

}  // namespace harness
