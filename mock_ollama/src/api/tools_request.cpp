#include "api/tools_request.hpp"

#include "api/request_json.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

bool present(const json& obj, const char* key) {
    return obj.contains(key) && !obj[key].is_null();
}

// One entry of `tools`: {"type": "function", "function": {"name", "description",
// "parameters"}}. Ollama's Go decoder only checks types; a tool without a name is refused
// here too, since no call could name it.
std::optional<std::string> read_tool(const json& t, std::size_t i, std::string_view go,
                                     ToolSpec& out) {
    const std::string at = "tools[" + std::to_string(i) + "]";
    if (!t.is_object()) return type_error(go, "tools", t, "api.Tool");
    if (present(t, "type") && !t["type"].is_string()) {
        return type_error(go, "tools.type", t["type"], "string");
    }
    if (!present(t, "function")) return at + ".function is required";
    const json& f = t["function"];
    if (!f.is_object()) return type_error(go, "tools.function", f, "api.ToolFunction");
    if (!present(f, "name")) return at + ".function.name is required";
    if (!f["name"].is_string()) return type_error(go, "tools.function.name", f["name"], "string");
    out.name = f["name"].get<std::string>();
    if (out.name.empty()) return at + ".function.name must not be empty";
    if (present(f, "description")) {
        if (!f["description"].is_string()) {
            return type_error(go, "tools.function.description", f["description"], "string");
        }
        out.description = f["description"].get<std::string>();
    }
    if (!present(f, "parameters")) return std::nullopt;
    const json& p = f["parameters"];
    if (!p.is_object()) {
        return type_error(go, "tools.function.parameters", p, "api.ToolFunctionParameters");
    }
    if (present(p, "type") && !p["type"].is_string()) {
        return type_error(go, "tools.function.parameters.type", p["type"], "string");
    }
    if (present(p, "properties") && !p["properties"].is_object()) {
        return type_error(go, "tools.function.parameters.properties", p["properties"],
                          "api.ToolPropertiesMap");
    }
    if (present(p, "required")) {
        const json& r = p["required"];
        if (!r.is_array())
            return type_error(go, "tools.function.parameters.required", r, "[]string");
        for (const auto& name : r) {
            if (!name.is_string()) {
                return type_error(go, "tools.function.parameters.required", name, "string");
            }
        }
    }
    out.parameters = p;
    return std::nullopt;
}

std::optional<std::string> read_tools(const json& body, std::string_view go, ToolsRequest& out) {
    if (!present(body, "tools")) return std::nullopt;
    const json& tools = body["tools"];
    if (!tools.is_array()) return type_error(go, "tools", tools, "[]api.Tool");
    out.tools.resize(tools.size());
    for (std::size_t i = 0; i < tools.size(); ++i) {
        if (auto err = read_tool(tools[i], i, go, out.tools[i])) return err;
    }
    return std::nullopt;
}

// Ollama's api.ThinkValue: a bool, or one of its level names.
std::optional<std::string> read_think(const json& body, ToolsRequest& out) {
    if (!present(body, "think")) return std::nullopt;
    const json& v = body["think"];
    if (v.is_boolean()) {
        out.think = v.get<bool>() ? "medium" : "";
        return std::nullopt;
    }
    if (!v.is_string()) {
        return "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, "
               "or false)";
    }
    const auto s = v.get<std::string>();
    if (s != "high" && s != "medium" && s != "low" && s != "max") {
        return "invalid think value: " + json(s).dump() +
               " (must be \"high\", \"medium\", \"low\", \"max\", true, or false)";
    }
    out.think = s;
    return std::nullopt;
}

// Ollama's /v1 layer: `reasoning.effort` (when `reasoning` is there) or `reasoning_effort`,
// OpenAI's scale clamped to Ollama's levels, "none" for no thinking.
std::optional<std::string> read_effort(const json& body, std::string_view go, ToolsRequest& out) {
    const json* effort = nullptr;
    if (present(body, "reasoning")) {
        const json& r = body["reasoning"];
        if (!r.is_object()) return type_error(go, "reasoning", r, "openai.Reasoning");
        if (present(r, "effort")) effort = &r["effort"];
        if (effort && !effort->is_string()) {
            return type_error(go, "reasoning.effort", *effort, "string");
        }
        if (effort == nullptr) return std::nullopt;
    } else if (present(body, "reasoning_effort")) {
        effort = &body["reasoning_effort"];
        if (!effort->is_string()) return type_error(go, "reasoning_effort", *effort, "string");
    } else {
        return std::nullopt;
    }
    const auto e = effort->get<std::string>();
    if (e.empty()) return std::nullopt;
    if (e == "none") {
        out.think = "";
    } else if (e == "minimal") {
        out.think = "low";
    } else if (e == "low" || e == "medium" || e == "high" || e == "max") {
        out.think = e;
    } else if (e == "xhigh" || e == "ultra") {
        out.think = "max";
    } else {
        return "invalid reasoning value: " + json(e).dump() +
               " (must be \"minimal\", \"low\", \"medium\", \"high\", \"xhigh\", \"ultra\", "
               "\"max\", or \"none\")";
    }
    return std::nullopt;
}

std::string string_or_empty(const json& m, const char* key) {
    return m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : std::string();
}

// The name of the tool whose call `call_id` answers, from the assistant messages before.
std::string name_of_call(const json& msgs, std::size_t before, const std::string& call_id) {
    for (std::size_t i = before; i-- > 0;) {
        const json& calls = msgs[i].is_object() ? msgs[i].value("tool_calls", json()) : json();
        if (!calls.is_array()) continue;
        for (const auto& c : calls) {
            if (c.is_object() && c.value("id", json()) == call_id && c.contains("function") &&
                c["function"].is_object()) {
                return string_or_empty(c["function"], "name");
            }
        }
    }
    return {};
}

// Roles compare lowercased, as Ollama reads them.
std::string role_of(const json& m) {
    std::string role = string_or_empty(m, "role");
    for (auto& c : role) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return role;
}

void read_tail(const json& body, ToolsRequest& out) {
    if (!body.contains("messages") || !body["messages"].is_array()) return;
    const json& msgs = body["messages"];
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        if (msgs[i].is_object() && role_of(msgs[i]) == "user") {
            out.last_user = string_or_empty(msgs[i], "content");
        }
    }
    if (msgs.empty() || !msgs.back().is_object() || role_of(msgs.back()) != "tool") return;
    const json& last = msgs.back();
    out.after_tool = true;
    out.tool_result = string_or_empty(last, "content");
    out.tool_name = string_or_empty(last, "tool_name");
    if (out.tool_name.empty()) out.tool_name = string_or_empty(last, "name");
    const std::string call_id = string_or_empty(last, "tool_call_id");
    if (out.tool_name.empty() && !call_id.empty()) {
        out.tool_name = name_of_call(msgs, msgs.size() - 1, call_id);
    }
}

}  // namespace

std::optional<std::string> read_tools_request(ApiKind kind, const json& body, std::string_view go,
                                              ToolsRequest& out) {
    switch (kind) {
        case ApiKind::chat:
            if (auto err = read_tools(body, go, out)) return err;
            read_tail(body, out);
            return read_think(body, out);
        case ApiKind::generate:
            return read_think(body, out);  // GenerateRequest has no tools
        case ApiKind::openai:
            if (auto err = read_tools(body, go, out)) return err;
            read_tail(body, out);
            return read_effort(body, go, out);
        default:
            return std::nullopt;  // /v1/completions reads neither
    }
}

}  // namespace mock_ollama
