// ReadMux on a real EventLoop with real (Unix stream) sockets: who is called, when, how often,
// and who is kept alive.
#include "harness/read_mux.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>

#include "harness/event_loop.hpp"

namespace harness {
namespace {

using namespace std::chrono_literals;

// Both ends of a connected stream socket pair; the reading end non-blocking, as a client's.
struct Pair {
    int ours = -1, peer = -1;
    Pair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
            ADD_FAILURE() << "socketpair";
            return;
        }
        ours = fds[0];
        peer = fds[1];
    }
    ~Pair() {
        if (ours >= 0) ::close(ours);
        if (peer >= 0) ::close(peer);
    }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    void send(const std::string& text) const {
        ASSERT_EQ(::write(peer, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
};

// Reads its socket as a client does (until a read comes back short) and counts the calls;
// runs `then` after each call, on the loop.
class Counter final : public ReadMux::Reader {
  public:
    explicit Counter(int fd, std::size_t chunk = 4096) : fd_(fd), chunk_(chunk) {}
    void readable() override {
        ++calls;
        for (;;) {
            std::string buf(chunk_, '\0');
            const ssize_t n = ::read(fd_, buf.data(), buf.size());
            if (n <= 0) {
                if (n == 0) eof = true;
                break;
            }
            received.append(buf.data(), static_cast<std::size_t>(n));
            if (static_cast<std::size_t>(n) < chunk_) break;
        }
        if (then) then();
    }
    std::atomic<int> calls{0};
    std::atomic<bool> eof{false};
    std::string received;  // on the loop only; read after the loop has stopped
    std::function<void()> then;

  private:
    int fd_;
    std::size_t chunk_;
};

// Runs f on the loop and waits for it.
template <typename F>
auto on_loop(EventLoop& loop, F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto done = task.get_future();
    boost::asio::post(loop.io(), [&task] { task(); });
    EXPECT_EQ(done.wait_for(5s), std::future_status::ready);
    return done.get();
}

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(1ms);
    }
    return pred();
}

TEST(ReadMux, ALoopOfOneThreadHasOneAndALoopOfMoreHasNone) {
    EventLoop one(1);
    EventLoop two(2);
    EXPECT_TRUE(boost::asio::has_service<ReadMux>(one.io()));
    EXPECT_FALSE(boost::asio::has_service<ReadMux>(two.io()));
}

TEST(ReadMux, AReaderIsCalledForWhatArrivesAndReadsItAll) {
    Pair p;
    auto reader = std::make_shared<Counter>(p.ours, 7);  // several reads per call
    {
        EventLoop loop;
        auto& mux = boost::asio::use_service<ReadMux>(loop.io());
        const auto watch = on_loop(loop, [&] { return mux.add(p.ours, reader); });
        ASSERT_NE(watch, 0u);
        p.send("first message, longer than one read");
        ASSERT_TRUE(eventually([&] { return reader->calls >= 1; }));
        p.send("second");
        ASSERT_TRUE(eventually([&] { return reader->calls >= 2; }));
        on_loop(loop, [&] { mux.remove(p.ours, watch); });
    }
    EXPECT_EQ(reader->received, "first message, longer than one readsecond");
}

TEST(ReadMux, WhatWaitedBeforeTheAddIsReported) {
    Pair p;
    p.send("early");
    auto reader = std::make_shared<Counter>(p.ours);
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    ASSERT_NE(on_loop(loop, [&] { return mux.add(p.ours, reader); }), 0u);
    EXPECT_TRUE(eventually([&] { return reader->calls >= 1; }));
}

TEST(ReadMux, TheEndOfTheStreamIsReported) {
    Pair p;
    auto reader = std::make_shared<Counter>(p.ours);
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    ASSERT_NE(on_loop(loop, [&] { return mux.add(p.ours, reader); }), 0u);
    ::shutdown(p.peer, SHUT_WR);
    EXPECT_TRUE(eventually([&] { return reader->eof.load(); }));
}

TEST(ReadMux, ARemovedReaderIsNotCalledAndNotKept) {
    Pair p;
    auto reader = std::make_shared<Counter>(p.ours);
    const std::weak_ptr<Counter> weak = reader;
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    const auto watch = on_loop(loop, [&] { return mux.add(p.ours, reader); });
    ASSERT_NE(watch, 0u);
    on_loop(loop, [&] { mux.remove(p.ours, watch); });
    EXPECT_EQ(on_loop(loop, [&] { return mux.watched(); }), 0u);
    p.send("after the remove");
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(reader->calls, 0);
    reader.reset();
    EXPECT_TRUE(weak.expired()) << "the mux kept a removed reader";
}

TEST(ReadMux, AReaderRemovedEarlierInTheSameBatchIsNotCalled) {
    // Both sockets are ready before they are added, and both adds happen in one handler: the
    // mux's first batch holds both. Whichever is called first removes the other.
    Pair a, b;
    a.send("a");
    b.send("b");
    auto ra = std::make_shared<Counter>(a.ours);
    auto rb = std::make_shared<Counter>(b.ours);
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    std::uint64_t wa = 0, wb = 0;
    ra->then = [&] { mux.remove(b.ours, wb); };
    rb->then = [&] { mux.remove(a.ours, wa); };
    on_loop(loop, [&] {
        wa = mux.add(a.ours, ra);
        wb = mux.add(b.ours, rb);
    });
    ASSERT_TRUE(eventually([&] { return ra->calls + rb->calls >= 1; }));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(ra->calls + rb->calls, 1) << "a reader was called after it was removed";
}

TEST(ReadMux, AReusedSlotDoesNotAnswerItsOldWatch) {
    Pair a, b;
    auto ra = std::make_shared<Counter>(a.ours);
    auto rb = std::make_shared<Counter>(b.ours);
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    const auto wa = on_loop(loop, [&] { return mux.add(a.ours, ra); });
    on_loop(loop, [&] { mux.remove(a.ours, wa); });
    const auto wb = on_loop(loop, [&] { return mux.add(b.ours, rb); });
    EXPECT_NE(wa, wb);
    on_loop(loop, [&] { mux.remove(a.ours, wa); });  // stale: must not remove b
    EXPECT_EQ(on_loop(loop, [&] { return mux.watched(); }), 1u);
    b.send("still watched");
    EXPECT_TRUE(eventually([&] { return rb->calls >= 1; }));
}

TEST(ReadMux, MoreReadySocketsThanOneBatchAreAllCalled) {
    constexpr int kSockets = 600;  // more than two batches
    std::vector<std::unique_ptr<Pair>> pairs;
    std::vector<std::shared_ptr<Counter>> readers;
    for (int i = 0; i < kSockets; ++i) {
        pairs.push_back(std::make_unique<Pair>());
        pairs.back()->send("x");
        readers.push_back(std::make_shared<Counter>(pairs.back()->ours));
    }
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    on_loop(loop, [&] {
        for (int i = 0; i < kSockets; ++i) ASSERT_NE(mux.add(pairs[i]->ours, readers[i]), 0u);
    });
    EXPECT_TRUE(eventually([&] {
        for (const auto& r : readers) {
            if (r->calls == 0) return false;
        }
        return true;
    }));
    EXPECT_GE(on_loop(loop, [&] { return mux.batches(); }), 3u);
}

TEST(ReadMux, ASocketThatCannotBeWatchedIsRefused) {
    EventLoop loop;
    auto& mux = boost::asio::use_service<ReadMux>(loop.io());
    auto reader = std::make_shared<Counter>(-1);
    EXPECT_EQ(on_loop(loop, [&] { return mux.add(-1, reader); }), 0u);
    EXPECT_EQ(on_loop(loop, [&] { return mux.watched(); }), 0u);
}

TEST(ReadMux, TheLoopGoingAwayReleasesItsReaders) {
    Pair p;
    std::weak_ptr<Counter> weak;
    {
        EventLoop loop;
        auto& mux = boost::asio::use_service<ReadMux>(loop.io());
        auto reader = std::make_shared<Counter>(p.ours);
        weak = reader;
        ASSERT_NE(on_loop(loop, [&] { return mux.add(p.ours, std::move(reader)); }), 0u);
        EXPECT_FALSE(weak.expired());
    }
    EXPECT_TRUE(weak.expired()) << "a reader outlived its loop";
}

}  // namespace
}  // namespace harness
