#pragma once
// Plain TCP on loopback for tests that must send exact bytes (not HTTP, not WebSocket) or
// hold connections open without speaking.
#include <chrono>
#include <string>

namespace test_support {

// A connected socket to 127.0.0.1:port, or -1. The caller closes it.
int connect_loopback(unsigned short port);

// Sends `bytes`, then reads until the peer closes or `timeout` passes; returns what came.
std::string raw_exchange(unsigned short port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace test_support
