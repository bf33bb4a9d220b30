#pragma once
// Waiting for many sockets to become readable with one syscall per batch instead of one per
// socket, on an event loop run by one thread (EventLoop makes one there).
//
// Why: after every read, Boost 1.74's reactor starts the next async_read_some with a
// speculative recv, which finds nothing (the next token is 20 ms away) and costs a whole
// syscall; the only other way to wait, async_wait, costs an epoll_ctl instead. In the VMs we
// run on a syscall is about 1.1 µs, and a streaming client paid 0.2-0.6 such empty reads
// per token (fewer the busier its loop), each read also going through the reactor's
// per-operation work and the client's strand. Reading in batches here cut the client's CPU
// per token from about 9.0 µs to 8.3 (BENCHMARKS.md, "One epoll set for the clients' reads").
//
// How: the sockets sit in an epoll set of their own, edge-triggered, added once. The set's
// descriptor is an ordinary I/O object of the Asio loop (async_wait on it), so this is not a
// second event loop: when the set has ready sockets, one handler takes up to a batch of them
// with one epoll_wait(..., 0) and calls each reader, which reads until a read comes back
// short (edge-triggered: the next edge comes with the next data). The set is re-armed once
// per batch. No call here blocks.
//
// Readers are called on the loop's one thread, outside any strand: that thread is the
// implicit strand of everything on the loop. A loop with more threads has no ReadMux, and
// its clients read with async_read_some on their strands.
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace harness {

class ReadMux : public boost::asio::execution_context::service {
  public:
    // What the mux calls when its socket may have something to read (or has an error or
    // end of stream to report): it must read until a read comes back short.
    class Reader {
      public:
        virtual void readable() = 0;

      protected:
        ~Reader() = default;
    };

    static inline boost::asio::execution_context::id id;  // an Asio service's key

    explicit ReadMux(boost::asio::execution_context& context);
    ~ReadMux() override;

    // Watches `fd` for `reader`, which the mux keeps alive until remove() (as a pending
    // async_read keeps its handler's object alive). 0 when the socket cannot be watched
    // (the caller reads with async_read_some instead); else the watch number remove() takes.
    std::uint64_t add(int fd, std::shared_ptr<Reader> reader);
    // Stops watching; a batch being handled no longer calls the reader. Before the socket
    // is closed: an fd number is reused at once.
    void remove(int fd, std::uint64_t watch);

    // How many sockets are watched, and how many batches were taken (tests, benchmarks).
    std::size_t watched() const { return watched_; }
    std::uint64_t batches() const { return batches_; }

  private:
    struct Slot {
        std::shared_ptr<Reader> reader;
        // In the watch number: a reused slot does not answer its old events.
        std::uint32_t generation = 0;
    };

    void shutdown() override;
    void arm();
    void take_batch();

    int epoll_fd_ = -1;
    boost::asio::io_context& io_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> set_;  // epoll_fd_ on the loop
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::size_t watched_ = 0;
    std::uint64_t batches_ = 0;
    bool armed_ = false;
};

}  // namespace harness
