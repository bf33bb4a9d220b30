#include "mock_ollama/embedding.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "common/rng.hpp"
#include "common/utf8.hpp"

namespace mock_ollama {
namespace {

// Words weigh more than trigrams: a changed word should move the vector, while shared
// trigrams between unrelated words ("the", "ion") should not make texts look alike.
constexpr double kWordWeight = 1.0;
constexpr double kTrigramWeight = 0.5;

bool is_word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

void add_feature(std::vector<double>& v, std::string_view tag, std::string_view feature,
                 double weight) {
    const std::uint64_t h = common::fnv1a64(feature, common::fnv1a64(tag));
    // Low bits pick the slot, a high bit the sign, so collisions cancel on average.
    v[h % v.size()] += (h >> 63) != 0 ? -weight : weight;
}

void add_word(std::vector<double>& v, std::string_view word) {
    add_feature(v, "w:", word, kWordWeight);
    // Trigrams over the word padded with spaces, by code point so none is split.
    std::string padded;
    padded.reserve(word.size() + 2);
    padded.push_back(' ');
    padded.append(word);
    padded.push_back(' ');
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < padded.size();) {
        starts.push_back(i);
        i += common::utf8::sequence_length(static_cast<unsigned char>(padded[i]));
    }
    starts.push_back(padded.size());  // a truncated character may overshoot; substr clamps
    const std::string_view view(padded);
    for (std::size_t k = 0; k + 3 < starts.size(); ++k) {
        add_feature(v, "t:", view.substr(starts[k], starts[k + 3] - starts[k]), kTrigramWeight);
    }
}

}  // namespace

std::vector<float> embed_text(std::string_view text, std::size_t dims) {
    std::vector<float> out(dims, 0.0f);
    if (dims == 0 || text.empty()) return out;
    std::vector<double> acc(dims, 0.0);

    std::string word;
    auto flush = [&] {
        if (!word.empty()) add_word(acc, word);
        word.clear();
    };
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_word_byte(c)) {
            word.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : ch);
        } else {
            flush();
            // Punctuation still carries a little meaning, and keeps "?!" from embedding to zero.
            if (c > ' ' && c < 0x7F) add_feature(acc, "p:", std::string_view(&ch, 1), 0.25);
        }
    }
    flush();

    double norm = 0.0;
    for (const double x : acc) norm += x * x;
    if (norm == 0.0) {
        // Whitespace only, or features that cancelled out: still a unit vector, still stable.
        acc[common::fnv1a64(text) % dims] = 1.0;
        norm = 1.0;
    }
    const double inv = 1.0 / std::sqrt(norm);
    for (std::size_t k = 0; k < dims; ++k) out[k] = static_cast<float>(acc[k] * inv);
    return out;
}

double cosine_similarity(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) {
        throw std::invalid_argument("cosine_similarity: sizes differ (" + std::to_string(a.size()) +
                                    " vs " + std::to_string(b.size()) + ")");
    }
    double dot = 0.0;
    double na = 0.0;
    double nb = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        dot += static_cast<double>(a[k]) * b[k];
        na += static_cast<double>(a[k]) * a[k];
        nb += static_cast<double>(b[k]) * b[k];
    }
    if (na == 0.0 || nb == 0.0) return 0.0;
    return dot / (std::sqrt(na) * std::sqrt(nb));
}

}  // namespace mock_ollama
