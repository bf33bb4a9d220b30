#include "mock_ollama/scripts.hpp"

#include <fstream>
#include <iterator>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mock_ollama {

struct ScriptBook::Entry {
    std::string pattern;
    std::regex re;
    std::optional<std::string> model;  // normalised
    ScriptedResponse response;
};

namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

std::string type_name(const json& j) {
    return j.type_name();
}

ScriptedResponse parse_response(const json& entry, const std::string& where) {
    ScriptedResponse r;
    const auto tokens = entry.find("tokens");
    if (tokens == entry.end()) fail(where, "missing key \"tokens\"");
    const std::string tw = where + ".tokens";
    if (!tokens->is_array()) fail(tw, "expected an array of strings, got " + type_name(*tokens));
    if (tokens->empty()) fail(tw, "must not be empty");
    for (std::size_t k = 0; k < tokens->size(); ++k) {
        const json& t = (*tokens)[k];
        if (!t.is_string()) {
            fail(tw, "expected an array of strings, element " + std::to_string(k) + " is " +
                         type_name(t));
        }
        r.tokens.push_back(t.get<std::string>());
    }

    const auto delays = entry.find("delays_ms");
    if (delays == entry.end()) return r;
    const std::string dw = where + ".delays_ms";
    if (!delays->is_array()) fail(dw, "expected an array of numbers, got " + type_name(*delays));
    if (delays->size() != r.tokens.size()) {
        fail(dw, "expected " + std::to_string(r.tokens.size()) + " entries (one per token), got " +
                     std::to_string(delays->size()));
    }
    for (std::size_t k = 0; k < delays->size(); ++k) {
        const json& d = (*delays)[k];
        const std::string ew = dw + "[" + std::to_string(k) + "]";
        if (!d.is_number()) fail(ew, "expected a number, got " + type_name(d));
        const double ms = d.get<double>();
        if (ms < 0.0) fail(ew, "must not be negative, got " + d.dump());
        r.delays_ms.push_back(ms);
    }
    return r;
}

}  // namespace

std::string normalize_model_name(std::string_view model) {
    std::string out(model);
    const auto slash = model.rfind('/');
    const auto tail = slash == std::string_view::npos ? model : model.substr(slash + 1);
    if (!model.empty() && tail.find(':') == std::string_view::npos) out += ":latest";
    return out;
}

ScriptBook::ScriptBook() = default;
ScriptBook::~ScriptBook() = default;
ScriptBook::ScriptBook(ScriptBook&&) noexcept = default;
ScriptBook& ScriptBook::operator=(ScriptBook&&) noexcept = default;
ScriptBook::ScriptBook(const ScriptBook&) = default;
ScriptBook& ScriptBook::operator=(const ScriptBook&) = default;

ScriptBook ScriptBook::parse(const json& doc) {
    const json* list = &doc;
    if (doc.is_object()) {
        for (const auto& [key, value] : doc.items()) {
            if (key != "scripts")
                fail("document", "unknown key \"" + key + "\" (expected scripts)");
        }
        const auto it = doc.find("scripts");
        if (it == doc.end()) fail("document", "missing key \"scripts\"");
        if (!it->is_array()) fail("scripts", "expected an array, got " + type_name(*it));
        list = &*it;
    } else if (!doc.is_array()) {
        fail("document",
             "expected an object with a \"scripts\" array, or an array of entries; got " +
                 type_name(doc));
    }

    ScriptBook book;
    book.entries_.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& e = (*list)[i];
        const std::string where = "scripts[" + std::to_string(i) + "]";
        if (!e.is_object()) fail(where, "expected an object, got " + type_name(e));
        for (const auto& [key, value] : e.items()) {
            if (key != "match" && key != "model" && key != "tokens" && key != "delays_ms") {
                fail(where,
                     "unknown key \"" + key + "\" (expected match, model, tokens, delays_ms)");
            }
        }
        Entry entry;
        const auto m = e.find("match");
        if (m == e.end()) fail(where, "missing key \"match\"");
        if (!m->is_string()) fail(where + ".match", "expected a string, got " + type_name(*m));
        entry.pattern = m->get<std::string>();
        try {
            entry.re = std::regex(entry.pattern, std::regex::ECMAScript);
        } catch (const std::regex_error& err) {
            fail(where + ".match",
                 "invalid regular expression \"" + entry.pattern + "\": " + err.what());
        }
        const auto model = e.find("model");
        if (model != e.end()) {
            if (!model->is_string()) {
                fail(where + ".model", "expected a string, got " + type_name(*model));
            }
            const auto name = model->get<std::string>();
            if (name.empty()) fail(where + ".model", "must not be empty");
            entry.model = normalize_model_name(name);
        }
        entry.response = parse_response(e, where);
        book.entries_.push_back(std::move(entry));
    }
    return book;
}

ScriptBook ScriptBook::load(const std::filesystem::path& file) {
    const std::string path = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot open file");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw std::invalid_argument(path + ": read error");

    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& err) {
        // err.byte counts from 1 and points at the offending character (or one past the end).
        const std::size_t pos =
            std::min<std::size_t>(err.byte == 0 ? 0 : err.byte - 1, text.size());
        std::size_t line = 1;
        std::size_t line_start = 0;
        for (std::size_t k = 0; k < pos; ++k) {
            if (text[k] == '\n') {
                ++line;
                line_start = k + 1;
            }
        }
        throw std::invalid_argument(path + ":" + std::to_string(line) + ":" +
                                    std::to_string(pos - line_start + 1) +
                                    ": invalid JSON: " + err.what());
    }
    try {
        return parse(doc);
    } catch (const std::invalid_argument& err) {
        throw std::invalid_argument(path + ": " + err.what());
    }
}

const ScriptedResponse* ScriptBook::match(std::string_view model, std::string_view prompt) const {
    std::string wanted;  // normalised lazily: most books have no model filters
    for (const Entry& e : entries_) {
        if (e.model) {
            if (wanted.empty()) wanted = normalize_model_name(model);
            if (*e.model != wanted) continue;
        }
        if (std::regex_search(prompt.begin(), prompt.end(), e.re)) return &e.response;
    }
    return nullptr;
}

std::size_t ScriptBook::size() const {
    return entries_.size();
}

}  // namespace mock_ollama
