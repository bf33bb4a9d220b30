#pragma once
// A plain TCP connection to the mock, for what an HTTP client library will not send or will
// not show: unfinished headers, bytes that are not HTTP, exactly what came back and how the
// connection ended. Every read is bounded by a timeout.
#include <chrono>
#include <string>
#include <string_view>

namespace mock_test {

class RawConnection {
  public:
    // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot. A non-zero
    // `receive_buffer` sets SO_RCVBUF first, so that the kernel holds little for a client
    // that does not read.
    explicit RawConnection(unsigned short port, int receive_buffer = 0);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(std::string_view bytes);

    enum class End { eof, reset, timeout, marker };
    struct Result {
        std::string bytes;
        End end = End::timeout;
        std::chrono::milliseconds elapsed{0};
    };
    // Reads until the peer closes (eof or reset), `marker` has arrived (when not empty), or
    // `timeout` passes.
    Result read(std::chrono::milliseconds timeout, std::string_view marker = {});

  private:
    int fd_ = -1;
};

std::string_view to_string(RawConnection::End end);

}  // namespace mock_test
