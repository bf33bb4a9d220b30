#pragma once
// The client's side of RFC 6455 framing, without I/O: FrameReader turns the bytes a server
// sent into messages and control frames, checking everything the RFC asks a client to check;
// append_frame() writes one masked frame. McpClient owns the socket and the handshake.
//
// Why not Beast's websocket::stream: a streamed token is one small text frame, and Beast's
// composed read (a message loop around a frame loop around the socket read, each step
// going through the strand) cost a third of the client's CPU per token. Here one socket
// read fills one buffer, and every complete frame in it is handed over in place, without
// a copy, in one handler.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace harness::ws {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// Close codes this client sends or reports (RFC 6455 section 7.4.1).
inline constexpr int kCloseNormal = 1000;
inline constexpr int kCloseProtocolError = 1002;
inline constexpr int kCloseInvalidData = 1007;  // a text message that is not UTF-8
inline constexpr int kCloseTooBig = 1009;

struct Event {
    enum class Kind { message, ping, pong, close, error };
    Kind kind = Kind::error;
    bool text = false;         // message: a text message (else binary)
    std::string_view payload;  // message, ping, pong: valid until the next call to next()
    // close: the code (0 when the frame had none) and the reason.
    int close_code = 0;
    std::string_view close_reason;
    // error: why the connection must fail, and the close code to send for it.
    std::string error;
    int error_close_code = kCloseProtocolError;
};

class FrameReader {
  public:
    explicit FrameReader(std::size_t max_message_bytes) : max_message_(max_message_bytes) {}

    // The next event from data[*used...]: advances *used past what it consumed. nullopt when
    // data holds no complete frame beyond *used (read more, keeping the bytes from *used
    // on). After an error event every later call returns the same error.
    std::optional<Event> next(std::string_view data, std::size_t* used);

    // A fragmented message is being put together (its pieces are kept here, not in data).
    bool in_message() const { return in_message_; }

  private:
    Event fail(std::string why, int code = kCloseProtocolError);
    std::optional<Event> control(std::uint8_t op, std::string_view payload);

    std::size_t max_message_;
    bool in_message_ = false;
    bool message_text_ = false;
    std::string message_;  // the fragments so far
    std::optional<Event> failed_;
};

// Appends one whole (FIN) frame, masked with `mask` as a client must.
void append_frame(std::string& out, Opcode op, std::string_view payload, std::uint32_t mask);
// A close frame's payload: the code, big-endian, then the reason (cut to fit 125 bytes).
std::string close_payload(int code, std::string_view reason);

}  // namespace harness::ws
