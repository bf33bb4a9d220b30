#include "mock_ollama/log_query.hpp"

#include <nlohmann/json.hpp>

#include "api/request_json.hpp"

namespace mock_ollama {

using nlohmann::json;

bool LogQuery::wants(std::string_view prompt) const {
    if (prompt_lines.empty()) return true;
    while (true) {
        const auto nl = prompt.find('\n');
        // A heterogeneous lookup would spare this copy; the set is C++20's without it.
        if (prompt_lines.count(std::string(prompt.substr(0, nl))) != 0) return true;
        if (nl == std::string_view::npos) return false;
        prompt.remove_prefix(nl + 1);
    }
}

std::variant<LogQuery, std::string> parse_log_query(std::string_view body, std::size_t limit) {
    json doc;
    if (auto err = parse_body(body, doc)) return *err;  // refuses a body that is no object too
    LogQuery q;
    q.limit = limit;
    for (const auto& [key, value] : doc.items()) {
        if (key == "since" || key == "limit") {
            if (!value.is_number_unsigned()) return key + ": expected a non-negative integer";
            const auto n = value.get<std::uint64_t>();
            if (key == "since") {
                q.since = n;
            } else {
                q.limit = static_cast<std::size_t>(n);
            }
        } else if (key == "tokens") {
            if (!value.is_boolean()) return std::string("tokens: expected true or false");
            q.tokens = value.get<bool>();
        } else if (key == "prompt_lines") {
            if (!value.is_array()) return std::string("prompt_lines: expected an array of strings");
            if (value.size() > kMaxPromptLines) {
                return "prompt_lines: at most " + std::to_string(kMaxPromptLines) + " lines";
            }
            for (const auto& line : value) {
                if (!line.is_string()) {
                    return std::string("prompt_lines: expected an array of strings");
                }
                q.prompt_lines.insert(line.get<std::string>());
            }
            if (q.prompt_lines.empty()) {
                return std::string("prompt_lines: empty (leave it out to get every request)");
            }
        } else {
            return "unknown key '" + key + "'; valid: since, limit, tokens, prompt_lines";
        }
    }
    return q;
}

}  // namespace mock_ollama
