#include "mock_ollama/scripts.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>

#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include "admin/file_read.hpp"
#include "api/request_json.hpp"
#include "mock_ollama/model_name.hpp"

namespace mock_ollama {

struct ScriptBook::Entry {
    std::string pattern;
    std::shared_ptr<const RE2> re;     // immutable and thread-safe: copies of a book share it
    std::optional<std::string> model;  // normalised
    ScriptedResponse response;
};

namespace {

using nlohmann::json;

// RE2 runs in time linear in the prompt whatever the pattern: a script cannot pin a worker
// the way a backtracking engine (std::regex) can with "(a+)+$".
std::shared_ptr<const RE2> compile(const std::string& pattern, const std::string& where) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kMaxPatternMemory);
    auto re = std::make_shared<const RE2>(pattern, options);
    if (!re->ok()) {
        throw std::invalid_argument(where + ": invalid regular expression \"" + pattern +
                                    "\": " + re->error() +
                                    " (the syntax is RE2 syntax: no backreferences or lookaround)");
    }
    return re;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

std::string type_name(const json& j) {
    return j.type_name();
}

// "tool_call": {"name": "...", "arguments": {...}} (arguments optional, an object).
ScriptedResponse parse_tool_call(const json& entry, const std::string& where) {
    const std::string w = where + ".tool_call";
    const json& call = entry["tool_call"];
    if (entry.contains("tokens") || entry.contains("delays_ms")) {
        fail(where, "has both \"tool_call\" and \"tokens\"/\"delays_ms\"; give one");
    }
    if (!call.is_object()) fail(w, "expected an object, got " + type_name(call));
    for (const auto& [key, value] : call.items()) {
        if (key != "name" && key != "arguments") {
            fail(w, "unknown key \"" + key + "\" (expected name, arguments)");
        }
    }
    ScriptedResponse r;
    const auto name = call.find("name");
    if (name == call.end()) fail(w, "missing key \"name\"");
    if (!name->is_string()) fail(w + ".name", "expected a string, got " + type_name(*name));
    r.tool_name = name->get<std::string>();
    if (r.tool_name.empty()) fail(w + ".name", "must not be empty");
    const auto args = call.find("arguments");
    if (args != call.end() && !args->is_object()) {
        fail(w + ".arguments", "expected an object, got " + type_name(*args));
    }
    r.tool_arguments = args == call.end() ? "{}" : args->dump();
    return r;
}

ScriptedResponse parse_response(const json& entry, const std::string& where) {
    if (entry.contains("tool_call")) return parse_tool_call(entry, where);
    ScriptedResponse r;
    const auto tokens = entry.find("tokens");
    if (tokens == entry.end()) fail(where, "missing key \"tokens\" (or \"tool_call\")");
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

    if (list->size() > kMaxScriptEntries) {
        fail("scripts", "at most " + std::to_string(kMaxScriptEntries) + " entries, got " +
                            std::to_string(list->size()));
    }
    ScriptBook book;
    book.entries_.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const json& e = (*list)[i];
        const std::string where = "scripts[" + std::to_string(i) + "]";
        if (!e.is_object()) fail(where, "expected an object, got " + type_name(e));
        for (const auto& [key, value] : e.items()) {
            if (key != "match" && key != "model" && key != "tokens" && key != "delays_ms" &&
                key != "tool_call") {
                fail(where, "unknown key \"" + key +
                                "\" (expected match, model, tokens, delays_ms, tool_call)");
            }
        }
        Entry entry;
        const auto m = e.find("match");
        if (m == e.end()) fail(where, "missing key \"match\"");
        if (!m->is_string()) fail(where + ".match", "expected a string, got " + type_name(*m));
        entry.pattern = m->get<std::string>();
        entry.re = compile(entry.pattern, where + ".match");
        const auto model = e.find("model");
        if (model != e.end()) {
            if (!model->is_string()) {
                fail(where + ".model", "expected a string, got " + type_name(*model));
            }
            const auto name = model->get<std::string>();
            if (name.empty()) fail(where + ".model", "must not be empty");
            entry.model = canonical_model_name(name);
        }
        entry.response = parse_response(e, where);
        book.entries_.push_back(std::move(entry));
    }
    return book;
}

ScriptBook ScriptBook::load(const std::filesystem::path& file) {
    const std::string path = file.string();
    const std::string text = read_regular_file(file, kMaxScriptsFileBytes, "a scripts file");

    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& err) {
        // err.byte counts from 1 and points at the offending character (or one past the end).
        const auto where = position_of(text, err.byte);
        // nlohmann's text ends with "; last read: '<bytes of the file>'": cut that, an error
        // reply must not disclose a file's content.
        std::string what = err.what();
        const auto at = what.find("parse error");
        if (at != std::string::npos) what.erase(0, at);
        const auto quoted = what.find("; last read");
        if (quoted != std::string::npos) what.erase(quoted);
        throw std::invalid_argument(path + ":" + std::to_string(where.line) + ":" +
                                    std::to_string(where.column) + ": invalid JSON: " + what);
    } catch (const json::exception& err) {
        // A number beyond double ("1e999"): its text quotes the number only.
        throw std::invalid_argument(path + ": invalid JSON: " + std::string(err.what()));
    }
    try {
        return parse(doc);
    } catch (const std::invalid_argument& err) {
        throw std::invalid_argument(path + ": " + err.what());
    }
}

const ScriptedResponse* ScriptBook::match(std::string_view model, std::string_view prompt) const {
    return find(model, prompt, false);
}

const ScriptedResponse* ScriptBook::match_tool_call(std::string_view model,
                                                    std::string_view prompt) const {
    return find(model, prompt, true);
}

const ScriptedResponse* ScriptBook::find(std::string_view model, std::string_view prompt,
                                         bool tool_call) const {
    std::string wanted;  // normalised lazily: most books have no model filters
    for (const Entry& e : entries_) {
        if (e.response.is_tool_call() != tool_call) continue;
        if (e.model) {
            if (wanted.empty()) wanted = canonical_model_name(model);
            if (*e.model != wanted) continue;
        }
        if (RE2::PartialMatch(prompt, *e.re)) return &e.response;
    }
    return nullptr;
}

std::size_t ScriptBook::size() const {
    return entries_.size();
}

}  // namespace mock_ollama
