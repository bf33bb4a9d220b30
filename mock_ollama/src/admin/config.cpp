#include "mock_ollama/config.hpp"

#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/config_file.hpp"
#include "common/enum_names.hpp"
#include "common/log.hpp"
#include "mock_ollama/model_name.hpp"

namespace mock_ollama {

using nlohmann::json;

void PacingOverride::apply_to(Pacing& p) const {
    if (ttft) p.ttft = *ttft;
    if (tps) p.tps = *tps;
    if (jitter) p.jitter = *jitter;
    if (tokens) p.tokens = *tokens;
}

std::vector<ModelInfo> default_models() {
    std::vector<ModelInfo> m(4);
    m[0].name = "phi:latest";
    m[0].family = "phi2";
    m[0].parameter_size = "3B";
    m[0].size = 1602463378;
    m[1].name = "llama3.2:latest";
    m[1].family = "llama";
    m[1].parameter_size = "3.2B";
    m[1].quantization_level = "Q4_K_M";
    m[1].size = 2019393189;
    m[2].name = "mistral:latest";
    m[2].family = "llama";
    m[2].parameter_size = "7.2B";
    m[2].size = 4113301824;
    // As in the Ollama library: phi only completes, llama3.2 and mistral also call tools, and
    // qwen3 thinks as well.
    m[1].capabilities = {Capability::completion, Capability::tools};
    m[2].capabilities = {Capability::completion, Capability::tools};
    m[3].name = "qwen3:latest";
    m[3].family = "qwen3";
    m[3].parameter_size = "8.2B";
    m[3].quantization_level = "Q4_K_M";
    m[3].size = 5225388164;
    m[3].capabilities = {Capability::completion, Capability::tools, Capability::thinking};
    return m;
}

bool parse_host_port(std::string_view value, std::string& host, unsigned short& port) {
    if (value.starts_with("http://")) value.remove_prefix(7);
    if (value.starts_with("https://")) return false;
    while (!value.empty() && value.back() == '/') value.remove_suffix(1);
    if (value.empty()) return false;
    const auto colon = value.rfind(':');
    if (colon == std::string_view::npos) {
        host = std::string(value);
        return true;
    }
    const auto port_text = value.substr(colon + 1);
    unsigned long p = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') return false;
        p = p * 10 + static_cast<unsigned long>(c - '0');
        if (p > 65535) return false;
    }
    if (port_text.empty()) return false;
    if (colon > 0) host = std::string(value.substr(0, colon));
    port = static_cast<unsigned short>(p);
    return true;
}

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::invalid_argument(where + ": " + what);
}

double number(const json& v, const std::string& where, double min, double max) {
    if (!v.is_number()) fail(where, "expected a number, got " + std::string(v.type_name()));
    const double d = v.get<double>();
    if (d < min || d > max) {
        std::ostringstream os;
        os << "must be between " << min << " and " << max << ", got " << d;
        fail(where, os.str());
    }
    return d;
}

std::uint64_t unsigned_integer(const json& v, const std::string& where) {
    // Built in C++ a positive int is "integer", parsed from text it is "unsigned": take both.
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
        fail(where, "expected a non-negative integer, got " +
                        (v.is_number() ? v.dump() : std::string(v.type_name())));
    }
    return v.get<std::uint64_t>();
}

std::uint64_t at_most(std::uint64_t n, std::uint64_t max, const std::string& where) {
    if (n > max) {
        fail(where, "must be at most " + std::to_string(max) + ", got " + std::to_string(n));
    }
    return n;
}

// An array of at most `max` elements.
const json& bounded_array(const json& v, const std::string& where, std::size_t max,
                          const char* what) {
    if (!v.is_array()) fail(where, std::string("expected an array of ") + what);
    if (v.size() > max) {
        fail(where,
             "at most " + std::to_string(max) + " " + what + ", got " + std::to_string(v.size()));
    }
    return v;
}

std::string string(const json& v, const std::string& where) {
    if (!v.is_string()) fail(where, "expected a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
}

// A non-empty array of capability names, e.g. ["completion", "tools"].
Capabilities capabilities_from(const json& v, const std::string& where) {
    const std::size_t max = capability_names().size();
    bounded_array(v, where, max, "capability names");
    if (v.empty()) fail(where, "must not be empty");
    Capabilities caps;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string w = where + "[" + std::to_string(i) + "]";
        const auto c = parse_capability(string(v[i], w));
        if (!c) {
            fail(w, "unknown capability '" + v[i].get<std::string>() +
                        "'; valid: " + common::spelled_list(capability_names()));
        }
        caps.add(*c);
    }
    return caps;
}

// One key of a config object and how its value is read into a T.
template <typename T>
struct Field {
    std::string_view key;
    void (*read)(T& out, const json& value, const std::string& where);
};

// The pacing keys, which models, rules and the top level all accept.
const Field<PacingOverride> kPacingFields[] = {
    {"ttft_ms",
     [](PacingOverride& p, const json& v, const std::string& w) {
         p.ttft =
             std::chrono::nanoseconds(static_cast<std::int64_t>(number(v, w, 0, 86'400'000) * 1e6));
     }},
    {"tps", [](PacingOverride& p, const json& v,
               const std::string& w) { p.tps = number(v, w, 0.001, 1e9); }},
    {"jitter",
     [](PacingOverride& p, const json& v, const std::string& w) { p.jitter = number(v, w, 0, 1); }},
    {"tokens",
     [](PacingOverride& p, const json& v, const std::string& w) {
         p.tokens = at_most(unsigned_integer(v, w), kMaxTokensPerResponse, w);
     }},
};

// Reads `key` through the matching row of `fields`; false when no row has that key.
template <typename T, std::size_t N>
bool read_field(const Field<T> (&fields)[N], const std::string& key, const json& v,
                const std::string& where, T& out) {
    for (const auto& f : fields) {
        if (f.key == key) {
            f.read(out, v, where);
            return true;
        }
    }
    return false;
}

// Reads pacing keys of an object; returns true if `key` was one of them.
bool pacing_key(const std::string& key, const json& v, const std::string& where,
                PacingOverride& p) {
    return read_field(kPacingFields, key, v, where, p);
}

Fault fault_from(const json& v, const std::string& where) {
    auto parsed = parse_fault(string(v, where));
    if (auto* err = std::get_if<std::string>(&parsed)) fail(where, *err);
    return std::get<Fault>(parsed);
}

TextProfile profile_from(const json& v, const std::string& where) {
    const auto p = parse_text_profile(string(v, where));
    if (!p) fail(where, "unknown profile; valid: " + common::spelled_list(text_profile_names()));
    return *p;
}

// Reads object `v` (at `where`) into a T: pacing keys into its `pacing`, the others through
// `fields`; any other key fails, naming every valid key.
template <typename T, std::size_t N>
T object_from(const json& v, const std::string& where, const Field<T> (&fields)[N]) {
    if (!v.is_object()) fail(where, "expected an object");
    T out;
    for (const auto& [key, value] : v.items()) {
        const std::string w = where + "." + key;
        if (pacing_key(key, value, w, out.pacing)) continue;
        if (read_field(fields, key, value, w, out)) continue;
        std::string valid;
        for (const auto& f : fields) valid += std::string(f.key) + ", ";
        for (const auto& f : kPacingFields) valid += std::string(f.key) + ", ";
        valid.resize(valid.size() - 2);
        fail(w, "unknown key; valid: " + valid);
    }
    return out;
}

const Field<ModelInfo> kModelFields[] = {
    {"name", [](ModelInfo& m, const json& v,
                const std::string& w) { m.name = canonical_model_name(string(v, w)); }},
    {"family", [](ModelInfo& m, const json& v, const std::string& w) { m.family = string(v, w); }},
    {"parameter_size",
     [](ModelInfo& m, const json& v, const std::string& w) { m.parameter_size = string(v, w); }},
    {"quantization_level", [](ModelInfo& m, const json& v,
                              const std::string& w) { m.quantization_level = string(v, w); }},
    {"size",
     [](ModelInfo& m, const json& v, const std::string& w) {
         m.size = static_cast<std::int64_t>(unsigned_integer(v, w));
     }},
    {"capabilities", [](ModelInfo& m, const json& v,
                        const std::string& w) { m.capabilities = capabilities_from(v, w); }},
};

const Field<Rule> kRuleFields[] = {
    {"match", [](Rule& r, const json& v, const std::string& w) { r.match = string(v, w); }},
    {"model", [](Rule& r, const json& v,
                 const std::string& w) { r.model = canonical_model_name(string(v, w)); }},
    {"count",
     [](Rule& r, const json& v, const std::string& w) { r.remaining = unsigned_integer(v, w); }},
    {"fault", [](Rule& r, const json& v, const std::string& w) { r.fault = fault_from(v, w); }},
    {"profile",
     [](Rule& r, const json& v, const std::string& w) { r.profile = profile_from(v, w); }},
};

ModelInfo model_from(const json& v, const std::string& where) {
    ModelInfo m = object_from(v, where, kModelFields);
    if (m.name.empty()) fail(where, "missing 'name'");
    return m;
}

Rule rule_from(const json& v, const std::string& where) {
    return object_from(v, where, kRuleFields);
}

}  // namespace

std::filesystem::path resolve_inside(const std::filesystem::path& dir, std::string_view requested) {
    namespace fs = std::filesystem;
    const auto outside = [&] {
        return std::invalid_argument("'" + std::string(requested) +
                                     "' is outside the scripts directory " + dir.string());
    };
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    if (ec) throw std::invalid_argument("scripts directory " + dir.string() + ": " + ec.message());
    // weakly_canonical resolves every symlink that exists: a link inside that points out ends
    // up outside, and is refused like "../x".
    const fs::path full = fs::weakly_canonical(base / fs::path(requested), ec);
    if (ec) throw outside();
    auto b = base.begin();
    auto f = full.begin();
    for (; b != base.end(); ++b, ++f) {
        if (b->empty()) continue;  // a trailing separator
        if (f == full.end() || *b != *f) throw outside();
    }
    if (f == full.end() || f->empty()) throw outside();  // the directory itself
    return full;
}

namespace {
ScriptBook load_scripts(const std::string& path, bool at_start,
                        const std::filesystem::path& scripts_dir) {
    if (at_start) return ScriptBook::load(path);
    if (scripts_dir.empty()) {
        throw std::invalid_argument(
            "a file path is accepted at run time only when mock-ollama runs with "
            "--scripts-dir DIR (config key scripts_dir), and only for files under DIR; post the "
            "scripts inline instead, as an array of entries");
    }
    return ScriptBook::load(resolve_inside(scripts_dir, path));
}
}  // namespace

namespace {

// `scripts`: a file name (under scripts_dir), inline scripts, or null (none).
std::shared_ptr<const ScriptBook> scripts_from(const json& value, const std::string& key,
                                               bool at_start,
                                               const std::filesystem::path& scripts_dir) {
    if (value.is_null()) return nullptr;
    try {
        if (value.is_string()) {
            return std::make_shared<const ScriptBook>(
                load_scripts(value.get<std::string>(), at_start, scripts_dir));
        }
        return std::make_shared<const ScriptBook>(ScriptBook::parse(value));
    } catch (const std::invalid_argument& e) {
        fail(key, e.what());
    }
}

// What a config may change at run time (besides pacing); false for any other key.
struct RuntimeEdit {
    RuntimeConfig& rt;
    std::optional<Fault> fault;
    std::optional<std::size_t> fault_count;
};

bool runtime_key(const std::string& key, const json& value, RuntimeEdit& edit, bool at_start,
                 const std::filesystem::path& scripts_dir) {
    RuntimeConfig& rt = edit.rt;
    if (key == "seed") {
        rt.seed = unsigned_integer(value, key);
    } else if (key == "profile") {
        rt.text.profile = profile_from(value, key);
    } else if (key == "hostile_rate") {
        rt.text.hostile_rate = number(value, key, 0, 1);
    } else if (key == "models") {
        bounded_array(value, key, kMaxModels, "models");
        rt.models.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            rt.models.push_back(model_from(value[i], "models[" + std::to_string(i) + "]"));
        }
    } else if (key == "rules") {
        bounded_array(value, key, kMaxRules, "rules");
        rt.rules.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            rt.rules.push_back(rule_from(value[i], "rules[" + std::to_string(i) + "]"));
        }
    } else if (key == "pull_fail") {
        bounded_array(value, key, kMaxModels, "names");
        rt.pull_fail.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
            rt.pull_fail.push_back(string(value[i], key + "[" + std::to_string(i) + "]"));
        }
    } else if (key == "fault") {
        edit.fault = fault_from(value, key);
    } else if (key == "fault_count") {
        edit.fault_count = unsigned_integer(value, key);
    } else if (key == "scripts") {
        rt.scripts = scripts_from(value, key, at_start, scripts_dir);
    } else {
        return false;
    }
    return true;
}

bool startup_only(const std::string& key) {
    return key == "host" || key == "port" || key == "threads" || key == "time_scale" ||
           key == "body_limit" || key == "header_timeout_ms" || key == "request_log_limit" ||
           key == "log_level" || key == "admin_token" || key == "scripts_dir";
}

// A key that only the command line or a config file may set; false for any other key.
bool startup_key(const std::string& key, const json& value, MockConfig& cfg) {
    if (key == "host") {
        cfg.host = string(value, key);
    } else if (key == "port") {
        const auto p = unsigned_integer(value, key);
        if (p > 65535) fail(key, "must be 0..65535");
        cfg.port = static_cast<unsigned short>(p);
    } else if (key == "threads") {
        cfg.threads = static_cast<unsigned>(number(value, key, 0, 256));
    } else if (key == "time_scale") {
        cfg.time_scale = number(value, key, 1e-6, 1e6);
    } else if (key == "body_limit") {
        cfg.body_limit = unsigned_integer(value, key);
    } else if (key == "header_timeout_ms") {
        cfg.header_timeout = std::chrono::milliseconds(unsigned_integer(value, key));
    } else if (key == "request_log_limit") {
        cfg.request_log_limit = unsigned_integer(value, key);
    } else if (key == "admin_token") {
        cfg.admin_token = string(value, key);
        if (cfg.admin_token.empty()) fail(key, "must not be empty");
    } else if (key == "scripts_dir") {
        cfg.scripts_dir = string(value, key);
    } else if (key == "log_level") {
        const auto l = common::parse_log_level(string(value, key));
        if (!l) fail(key, "valid: " + common::spelled_list(common::log_level_names()));
        cfg.log_level = *l;
    } else {
        return false;
    }
    return true;
}

// A global fault is a rule without a match, placed first so it wins.
void install_global_fault(const RuntimeEdit& edit, RuntimeConfig& rt) {
    if (edit.fault_count && !edit.fault) fail("fault_count", "needs 'fault'");
    if (!edit.fault) return;
    Rule r;
    r.fault = edit.fault;
    r.remaining = edit.fault_count;
    std::erase_if(rt.rules, [](const Rule& x) {
        return x.match.empty() && x.model.empty() && x.fault && x.pacing.empty() && !x.profile;
    });
    if (edit.fault->active()) rt.rules.insert(rt.rules.begin(), r);
}

}  // namespace

void apply_config_json(const json& doc, RuntimeConfig& runtime_out, MockConfig* config_out,
                       const std::filesystem::path& scripts_dir) {
    if (!doc.is_object()) throw std::invalid_argument("config: expected a JSON object");
    RuntimeConfig rt = runtime_out;  // edit a copy: on error nothing changes
    MockConfig cfg = config_out ? *config_out : MockConfig{};
    RuntimeEdit edit{rt, std::nullopt, std::nullopt};
    PacingOverride pacing;
    const bool at_start = config_out != nullptr;

    for (const auto& [key, value] : doc.items()) {
        if (pacing_key(key, value, key, pacing)) continue;
        if (runtime_key(key, value, edit, at_start, scripts_dir)) continue;
        if (!at_start && startup_only(key)) {
            fail(key, "can only be set at start (command line or config file)");
        }
        if (at_start && startup_key(key, value, cfg)) continue;
        fail(key,
             "unknown key; valid: seed, ttft_ms, tps, jitter, tokens, profile, "
             "hostile_rate, models, rules, fault, fault_count, scripts, pull_fail" +
                 std::string(at_start ? ", host, port, threads, time_scale, "
                                        "body_limit, header_timeout_ms, "
                                        "request_log_limit, log_level, admin_token, "
                                        "scripts_dir"
                                      : ""));
    }
    pacing.apply_to(rt.pacing);
    install_global_fault(edit, rt);
    // `runtime_out` may be config_out->runtime: assign it last so the new runtime wins.
    if (config_out) *config_out = std::move(cfg);
    runtime_out = std::move(rt);
}

void load_config_file(const std::filesystem::path& file, MockConfig& config) {
    // common's reader: "FILE: cannot open", "FILE: <the parser's message>".
    const json doc = common::read_json_file(file);
    try {
        apply_config_json(doc, config.runtime, &config);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(file.string() + ": " + e.what());
    }
}

namespace {
json pacing_json(const PacingOverride& p) {
    json j = json::object();
    if (p.ttft) j["ttft_ms"] = std::chrono::duration<double, std::milli>(*p.ttft).count();
    if (p.tps) j["tps"] = *p.tps;
    if (p.jitter) j["jitter"] = *p.jitter;
    if (p.tokens) j["tokens"] = *p.tokens;
    return j;
}
}  // namespace

json runtime_to_json(const RuntimeConfig& rt) {
    json j;
    j["seed"] = rt.seed;
    j["ttft_ms"] = std::chrono::duration<double, std::milli>(rt.pacing.ttft).count();
    j["tps"] = rt.pacing.tps;
    j["jitter"] = rt.pacing.jitter;
    j["tokens"] = rt.pacing.tokens;
    j["profile"] = std::string(to_string(rt.text.profile));
    j["hostile_rate"] = rt.text.hostile_rate;
    j["models"] = json::array();
    for (const auto& m : rt.models) {
        json mj = pacing_json(m.pacing);
        mj["name"] = m.name;
        mj["capabilities"] = m.capabilities.names();
        j["models"].push_back(mj);
    }
    j["rules"] = json::array();
    for (const auto& r : rt.rules) {
        json rj = pacing_json(r.pacing);
        if (!r.match.empty()) rj["match"] = r.match;
        if (!r.model.empty()) rj["model"] = r.model;
        if (r.remaining) rj["count"] = *r.remaining;
        if (r.fault) rj["fault"] = r.fault->spec;
        if (r.profile) rj["profile"] = std::string(to_string(*r.profile));
        j["rules"].push_back(rj);
    }
    j["scripts"] = rt.scripts ? rt.scripts->size() : 0;
    j["pull_fail"] = rt.pull_fail;
    return j;
}

}  // namespace mock_ollama
