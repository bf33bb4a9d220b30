#include "mock_ollama/model_name.hpp"

namespace mock_ollama {

std::string canonical_model_name(std::string_view name) {
    const auto slash = name.rfind('/');
    const auto tail = slash == std::string_view::npos ? name : name.substr(slash + 1);
    std::string out(name);
    if (tail.find(':') == std::string_view::npos) out += ":latest";
    return out;
}

}  // namespace mock_ollama
