#pragma once
// What a model can do, as Ollama's /api/show and /api/tags report it ("capabilities"): a chat
// with `tools` needs "tools", `think` needs "thinking", /api/chat and /api/generate need
// "completion". A small bit set: models are copied per request snapshot.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mock_ollama {

enum class Capability : std::uint8_t { completion, tools, thinking, embedding, vision };

// Exact lowercase names, as Ollama spells them; nullopt for any other text.
std::optional<Capability> parse_capability(std::string_view name);
std::string_view to_string(Capability c);
// Every name, in Ollama's order: the "valid: ..." list of a config error.
std::span<const std::string_view> capability_names();

class Capabilities {
  public:
    Capabilities() = default;
    Capabilities(std::initializer_list<Capability> caps) {
        for (auto c : caps) add(c);
    }
    void add(Capability c) { bits_ |= bit(c); }
    bool has(Capability c) const { return (bits_ & bit(c)) != 0; }
    bool empty() const { return bits_ == 0; }
    bool operator==(const Capabilities&) const = default;
    // The names of those present, in Ollama's order.
    std::vector<std::string_view> names() const;

  private:
    static std::uint8_t bit(Capability c) {
        return static_cast<std::uint8_t>(1u << static_cast<unsigned>(c));
    }
    std::uint8_t bits_ = 0;
};

}  // namespace mock_ollama
