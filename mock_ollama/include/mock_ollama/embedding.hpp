#pragma once
// Deterministic embeddings for /api/embed: signed feature hashing of lowercase words and
// character trigrams, so that similar texts get similar vectors without any model.
#include <cstddef>
#include <string_view>
#include <vector>

namespace mock_ollama {

// `dims` floats, L2-normalised; all zero only for empty text (or dims == 0 -> empty vector).
std::vector<float> embed_text(std::string_view text, std::size_t dims = 384);

// Cosine of the angle between a and b; 0 when either is all zero. Throws std::invalid_argument
// when the sizes differ.
double cosine_similarity(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace mock_ollama
