#pragma once
// Deterministic hashing and random numbers. Everything the mock emits derives from these,
// so they must give the same values on every run, in every process, on every machine:
// no std::hash, no std::random_device, no distributions whose output is
// implementation-defined.
#include <cstdint>
#include <string_view>

namespace common {

// FNV-1a, 64 bit.
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// xoshiro256** seeded through splitmix64.
class Rng {
  public:
    explicit constexpr Rng(std::uint64_t seed) {
        for (auto& w : s_) w = splitmix64(seed);
    }
    constexpr std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, 1), 53 bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [-1, 1).
    double symmetric() { return uniform() * 2.0 - 1.0; }
    // Uniform integer in [0, n); n > 0. Modulo bias is irrelevant at these sizes.
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    bool chance(double p) { return uniform() < p; }

  private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }
    std::uint64_t s_[4]{};
};

}  // namespace common
