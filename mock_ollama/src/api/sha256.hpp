#pragma once
// SHA-256 for /api/blobs/:digest, from OpenSSL's libcrypto (the library libcurl already
// brings onto every machine that builds the project).
#include <string>
#include <string_view>

namespace mock_ollama {

// The digest of `data` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

}  // namespace mock_ollama
