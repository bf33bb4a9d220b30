#include "mock_ollama/model_name.hpp"

#include <algorithm>

namespace mock_ollama {

std::string canonical_model_name(std::string_view name) {
    const auto slash = name.rfind('/');
    const auto tail = slash == std::string_view::npos ? name : name.substr(slash + 1);
    std::string out(name);
    if (tail.find(':') == std::string_view::npos) out += ":latest";
    return out;
}

std::string qualified_model_name(std::string_view name) {
    const std::string canonical = canonical_model_name(name);
    const auto slashes = std::count(canonical.begin(), canonical.end(), '/');
    if (slashes >= 2) return canonical;
    return (slashes == 1 ? "registry.ollama.ai/" : "registry.ollama.ai/library/") + canonical;
}

}  // namespace mock_ollama
