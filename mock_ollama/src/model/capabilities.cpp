#include "mock_ollama/capabilities.hpp"

#include "common/enum_names.hpp"

namespace mock_ollama {

namespace {
constexpr common::EnumNames<Capability, 5> kCapabilityNames{{
    {Capability::completion, "completion"},
    {Capability::tools, "tools"},
    {Capability::thinking, "thinking"},
    {Capability::embedding, "embedding"},
    {Capability::vision, "vision"},
}};
constexpr auto kCapabilitySpellings = common::enum_spellings(kCapabilityNames);
}  // namespace

std::optional<Capability> parse_capability(std::string_view name) {
    return common::parse_enum(kCapabilityNames, name);
}

std::string_view to_string(Capability c) {
    return common::enum_name(kCapabilityNames, c);
}

std::span<const std::string_view> capability_names() {
    return kCapabilitySpellings;
}

std::vector<std::string_view> Capabilities::names() const {
    std::vector<std::string_view> out;
    for (const auto& [c, name] : kCapabilityNames) {
        if (has(c)) out.push_back(name);
    }
    return out;
}

}  // namespace mock_ollama
