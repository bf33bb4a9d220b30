#pragma once
// One io_context run by a few threads, kept alive by a work guard until the object goes
// away. The harness drives every connection from it; its own thread (main) stays free for
// blocking work such as the mock's admin calls and waiting on results. Run by one thread
// (the harness's case), it has a ReadMux: its WebSocket clients wait for reads together.
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace harness {

class EventLoop {
  public:
    explicit EventLoop(unsigned threads = 1);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    boost::asio::io_context& io() { return io_; }
    // Stops the loop (handlers not yet run are dropped) and joins its threads (idempotent).
    void stop();

  private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::vector<std::thread> threads_;
};

}  // namespace harness
