#pragma once
// Reading a file a client may name (scripts): only a regular file, only up to a size, and
// never blocking on a FIFO or reading a device without end (/dev/zero grew memory until
// bad_alloc).
#include <cstddef>
#include <filesystem>
#include <string>

namespace mock_ollama {

// The whole file. Throws std::invalid_argument "<path>: cannot open file", ": not a regular
// file", ": larger than N bytes, the limit for <what>" or ": read error".
std::string read_regular_file(const std::filesystem::path& path, std::size_t max_bytes,
                              std::string_view what);

}  // namespace mock_ollama
