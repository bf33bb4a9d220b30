// generate_tokens: the mock's deterministic text, seeded by (seed, model, prompt).
#include "mock_ollama/textgen.hpp"

#include <array>

#include "common/enum_names.hpp"
#include "common/rng.hpp"
#include "mock_ollama/model_name.hpp"
#include "model/compose.hpp"

namespace mock_ollama {
namespace {

// The names the command line, configs and X-Mock-Profile use.
constexpr common::EnumNames<TextProfile, 3> kProfileNames{{
    {TextProfile::clinical, "clinical"},
    {TextProfile::hostile, "hostile"},
    {TextProfile::plain, "plain"},
}};
constexpr auto kProfileSpellings = common::enum_spellings(kProfileNames);

}  // namespace

std::uint64_t text_seed(std::uint64_t seed, std::string_view model, std::string_view prompt) {
    std::array<char, 8> bytes{};
    for (std::size_t k = 0; k < bytes.size(); ++k) {
        bytes[k] = static_cast<char>((seed >> (8 * k)) & 0xFF);
    }
    std::uint64_t h = common::fnv1a64(std::string_view(bytes.data(), bytes.size()));
    // "phi" and "phi:latest" are one model, so they seed the same text.
    h = common::fnv1a64(canonical_model_name(model), h);
    h = common::fnv1a64(std::string_view("\0", 1), h);  // keeps model and prompt apart
    return common::fnv1a64(prompt, h);
}

std::optional<TextProfile> parse_text_profile(std::string_view name) {
    return common::parse_enum(kProfileNames, name);
}

std::string_view to_string(TextProfile p) {
    return common::enum_name(kProfileNames, p);
}

std::span<const std::string_view> text_profile_names() {
    return kProfileSpellings;
}

std::vector<std::string> generate_tokens(std::uint64_t seed, std::string_view model,
                                         std::string_view prompt, std::size_t count,
                                         const TextOptions& options) {
    if (count == 0) return {};

    double rate = options.hostile_rate;
    if (!(rate > 0.0)) rate = 0.0;  // also maps NaN to 0
    if (rate > 1.0) rate = 1.0;
    if (options.profile == TextProfile::plain) rate = 0.0;
    if (options.profile == TextProfile::hostile) rate = 1.0;

    common::Rng rng(text_seed(seed, model, prompt));
    const text::Facts facts =
        text::prepare(extract_facts(prompt), options.profile == TextProfile::plain);
    const char prefix = options.profile != TextProfile::hostile ? '\0'
                        : rng.chance(0.5)                       ? '='
                                                                : '@';
    auto tokens = text::compose_tokens(rng, facts, rate, prefix, count);
    tokens.resize(count);
    return tokens;
}

}  // namespace mock_ollama
