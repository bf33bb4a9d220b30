#include "mock_ollama/tool_call.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "model/schema_value.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Words too common to say which tool is meant.
bool common_word(std::string_view w) {
    static constexpr std::array<std::string_view, 16> kCommon = {
        "the", "and", "for",  "with", "from",  "that", "this",  "what",
        "are", "you", "your", "into", "about", "how",  "which", "can"};
    return std::find(kCommon.begin(), kCommon.end(), w) != kCommon.end();
}

void add_word(std::string word, std::set<std::string>& out) {
    if (word.size() > 3 && word.back() == 's') word.pop_back();
    if (word.size() >= 3 && !common_word(word)) out.insert(std::move(word));
}

// The words of `text`: runs of ASCII letters and digits, also split where a lowercase letter
// meets an uppercase one (getWeather: get, weather), lowercased.
std::set<std::string> words_of(std::string_view text) {
    std::set<std::string> out;
    std::string word;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool alnum = is_lower(c) || is_upper(c) || is_digit(c);
        if (!alnum || (is_upper(c) && i > 0 && is_lower(text[i - 1]))) {
            add_word(std::move(word), out);
            word.clear();
        }
        if (alnum) word += is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
    }
    add_word(std::move(word), out);
    return out;
}

int score(const ToolSpec& tool, const std::set<std::string>& message) {
    const auto name = words_of(tool.name);
    int s = 0;
    for (const auto& w : name) s += message.contains(w) ? 2 : 0;
    for (const auto& w : words_of(tool.description)) {
        if (!name.contains(w) && message.contains(w)) s += 1;
    }
    return s;
}

// No parameters: no arguments; else a value the schema accepts.
std::variant<json, std::string> arguments_for(const json& schema, std::uint64_t seed) {
    if (schema.is_null()) return json::object();
    return value_for_schema(schema, seed);
}

}  // namespace

std::size_t choose_tool(std::span<const ToolSpec> tools, std::string_view last_user,
                        std::uint64_t tie_key) {
    const auto message = words_of(last_user);
    std::vector<std::size_t> best;
    int best_score = -1;
    for (std::size_t i = 0; i < tools.size(); ++i) {
        const int s = score(tools[i], message);
        if (s > best_score) {
            best_score = s;
            best.clear();
        }
        if (s == best_score) best.push_back(i);
    }
    return best.empty() ? 0 : best[tie_key % best.size()];
}

std::string tool_call_id(std::uint64_t key) {
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string id = "call_";
    for (int i = 0; i < 8; ++i) {
        id += kAlphabet[key % kAlphabet.size()];
        key /= kAlphabet.size();
        key ^= key << 13;  // keep the later letters varied once the key runs short
    }
    return id;
}

std::variant<ToolCall, std::string> make_tool_call(const ToolSpec& tool, std::uint64_t seed,
                                                   std::uint64_t id_key) {
    auto made = arguments_for(tool.parameters, seed);
    if (auto* why = std::get_if<std::string>(&made)) {
        return "tool \"" + tool.name + "\": unsupported parameters schema: " + *why;
    }
    const json& args = std::get<json>(made);
    if (!args.is_object()) {
        return "tool \"" + tool.name + "\": parameters must describe an object, got " +
               std::string(args.type_name());
    }
    return ToolCall{tool_call_id(id_key), tool.name,
                    args.dump(-1, ' ', false, json::error_handler_t::replace)};
}

std::string tool_result_preface(std::string_view tool_name, std::string_view result) {
    std::size_t cut = std::min(result.size(), kToolResultQuote);
    // Back to a character boundary: never half a UTF-8 sequence.
    while (cut < result.size() && cut > 0 &&
           (static_cast<unsigned char>(result[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    std::string quote(result.substr(0, cut));
    std::replace(quote.begin(), quote.end(), '\n', ' ');
    std::replace(quote.begin(), quote.end(), '\r', ' ');
    while (!quote.empty() && quote.back() == ' ') quote.pop_back();
    std::string out = "According to ";
    out += tool_name.empty() ? std::string_view("the tool") : tool_name;
    out += ": ";
    out += quote;
    if (cut < result.size()) out += "...";
    out += ".\n";
    return out;
}

}  // namespace mock_ollama
