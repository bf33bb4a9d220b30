#include "client/ws_frame.hpp"

#include "common/utf8.hpp"

namespace harness::ws {

namespace {

bool is_control(std::uint8_t op) {
    return (op & 0x8) != 0;
}

bool is_known(std::uint8_t op) {
    return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

Event FrameReader::fail(std::string why, int code) {
    Event e;
    e.kind = Event::Kind::error;
    e.error = std::move(why);
    e.error_close_code = code;
    failed_ = e;
    message_.clear();
    in_message_ = false;
    return e;
}

std::optional<Event> FrameReader::next(std::string_view data, std::size_t* used) {
    if (failed_) return failed_;
    // The message handed out by the previous call is no longer promised to anyone.
    if (!in_message_) message_.clear();
    // A loop, not recursion: a fragment is no event, and a hostile server may send a
    // million empty ones in one read.
    for (;;) {
        const auto* p = reinterpret_cast<const unsigned char*>(data.data()) + *used;
        const std::size_t avail = data.size() - *used;
        if (avail < 2) return std::nullopt;
        const bool fin = (p[0] & 0x80) != 0;
        const std::uint8_t op = p[0] & 0x0F;
        if ((p[0] & 0x70) != 0) return fail("a frame with reserved bits set (no extension agreed)");
        if (!is_known(op)) return fail("a frame with the unknown opcode " + std::to_string(op));
        if ((p[1] & 0x80) != 0) return fail("a masked frame from the server");
        std::uint64_t len = p[1] & 0x7F;
        std::size_t header = 2;
        if (len == 126) {
            if (avail < 4) return std::nullopt;
            len = (std::uint64_t{p[2]} << 8) | p[3];
            if (len < 126) return fail("a frame length not in its shortest form");
            header = 4;
        } else if (len == 127) {
            if (avail < 10) return std::nullopt;
            len = 0;
            for (int i = 2; i < 10; ++i) len = (len << 8) | p[i];
            if ((len >> 63) != 0) return fail("a frame length with its top bit set");
            if (len <= 0xFFFF) return fail("a frame length not in its shortest form");
            header = 10;
        }
        if (is_control(op)) {
            if (!fin) return fail("a fragmented control frame");
            if (len > 125) return fail("a control frame longer than 125 bytes");
        } else {
            if (op == 0 && !in_message_) return fail("a continuation frame outside a message");
            if (op != 0 && in_message_) return fail("a new message inside a fragmented one");
            // Checked on the header, before the payload is waited for: a length of 2^62
            // fails now, instead of after reading (or buffering) any of it.
            if (len > max_message_ - message_.size()) {
                return fail(
                    "a message from the server exceeded " + std::to_string(max_message_) + " bytes",
                    kCloseTooBig);
            }
        }
        if (avail - header < len) return std::nullopt;
        const std::string_view payload(data.data() + *used + header, static_cast<std::size_t>(len));
        *used += header + static_cast<std::size_t>(len);

        if (is_control(op)) return control(op, payload);
        if (!fin) {
            if (op != 0) {
                in_message_ = true;
                message_text_ = op == 0x1;
            }
            message_.append(payload);
            continue;
        }
        Event e;
        e.kind = Event::Kind::message;
        if (in_message_) {
            message_.append(payload);
            in_message_ = false;
            e.text = message_text_;
            e.payload = message_;
        } else {
            e.text = op == 0x1;
            e.payload = payload;
        }
        if (e.text && !common::utf8::valid(e.payload)) {
            return fail("a text message that is not UTF-8", kCloseInvalidData);
        }
        return e;
    }
}

std::optional<Event> FrameReader::control(std::uint8_t op, std::string_view payload) {
    Event e;
    if (op != 0x8) {
        e.kind = op == 0x9 ? Event::Kind::ping : Event::Kind::pong;
        e.payload = payload;
        return e;
    }
    e.kind = Event::Kind::close;
    if (payload.size() == 1) return fail("a close frame with a one-byte payload");
    if (payload.size() >= 2) {
        const auto* b = reinterpret_cast<const unsigned char*>(payload.data());
        e.close_code = (b[0] << 8) | b[1];
        e.close_reason = payload.substr(2);
        // 1005, 1006 and 1015 must never be sent; below 1000, 1004 and 1016-2999 are not
        // assigned to anyone (RFC 6455 section 7.4).
        const int c = e.close_code;
        if (c < 1000 || c == 1004 || c == 1005 || c == 1006 || (c >= 1015 && c < 3000) ||
            c >= 5000) {
            return fail("a close frame with the invalid code " + std::to_string(c));
        }
        if (!common::utf8::valid(e.close_reason)) {
            return fail("a close reason that is not UTF-8", kCloseInvalidData);
        }
    }
    return e;
}

void append_frame(std::string& out, Opcode op, std::string_view payload, std::uint32_t mask) {
    const std::size_t n = payload.size();
    out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(op)));
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xFF));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
        }
    }
    unsigned char key[4];
    for (int i = 0; i < 4; ++i) key[i] = static_cast<unsigned char>(mask >> (24 - 8 * i));
    out.append(reinterpret_cast<const char*>(key), 4);
    const std::size_t start = out.size();
    out.append(payload);
    for (std::size_t i = 0; i < n; ++i)
        out[start + i] = static_cast<char>(out[start + i] ^ key[i % 4]);
}

std::string close_payload(int code, std::string_view reason) {
    std::string out;
    out.push_back(static_cast<char>((code >> 8) & 0xFF));
    out.push_back(static_cast<char>(code & 0xFF));
    out.append(reason.substr(0, 123));
    return out;
}

}  // namespace harness::ws
