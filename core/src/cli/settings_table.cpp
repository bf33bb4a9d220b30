#include <algorithm>
#include <chrono>
#include <sstream>
#include <stdexcept>

#include "common/config_file.hpp"
#include "common/enum_names.hpp"
#include "common/log.hpp"
#include "core/server_settings.hpp"

namespace core {

namespace {

using nlohmann::json;
using K = SettingKind;

constexpr double kLargest = std::numeric_limits<double>::max();

std::chrono::milliseconds seconds(const json& v) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(v.get<double>() * 1000.0 + 0.5));
}
std::size_t size(const json& v) {
    return static_cast<std::size_t>(v.get<std::uint64_t>());
}
std::string text(const json& v) {
    return v.get<std::string>();
}

// The rows; `set` runs only on a value check_setting_value accepted.
const ServerSetting kSettings[] = {
    {.name = "host",
     .kind = K::text,
     .help = "Address to bind (default 127.0.0.1)",
     .set = [](ServerConfig& c, const json& v) { c.host = text(v); }},
    {.name = "port",
     .kind = K::count,
     .help = "Port (default 8765; 0 picks a free one)",
     .set = [](ServerConfig& c, const json& v) { c.port = static_cast<unsigned short>(size(v)); },
     .max = 65535},
    {.name = "data_dir",
     .kind = K::text,
     .help = "Folder of patients_data.csv and patient_summaries.csv; created and filled when "
             "empty (default: the current folder)",
     .set = [](ServerConfig& c, const json& v) { c.data_dir = text(v); }},
    {.name = "patients",
     .kind = K::count,
     .help = "Patients to generate when the folder has none (default 100)",
     .set = [](ServerConfig& c, const json& v) { c.generate_patients = size(v); }},
    {.name = "ollama_url",
     .kind = K::text,
     .help = "Ollama base URL (default $OLLAMA_HOST, else http://127.0.0.1:11434)",
     .set = [](ServerConfig& c, const json& v) { c.ollama.base_url = text(v); }},
    {.name = "model",
     .kind = K::text,
     .help = "Model for summaries (default phi)",
     .set = [](ServerConfig& c, const json& v) { c.ollama.model = text(v); }},
    {.name = "ollama_timeout",
     .kind = K::seconds,
     .help = "Seconds without a byte from Ollama before a call fails (default 120)",
     .set = [](ServerConfig& c, const json& v) { c.ollama.inactivity_timeout = seconds(v); }},
    {.name = "ollama_deadline",
     .kind = K::seconds,
     .help = "Seconds a whole generation may take; 0 = no limit (default 0)",
     .set = [](ServerConfig& c, const json& v) { c.ollama.total_deadline = seconds(v); }},
    {.name = "connect_timeout",
     .kind = K::seconds,
     .help = "Seconds to connect to Ollama (default 10)",
     .set = [](ServerConfig& c, const json& v) { c.ollama.connect_timeout = seconds(v); }},
    {.name = "stream_upstream",
     .kind = K::off_switch,
     .help = "Ask Ollama for one response (\"stream\": false) instead of a stream; clients then "
             "get no token messages",
     .set = [](ServerConfig& c, const json& v) { c.stream_upstream = v.get<bool>(); }},
    {.name = "max_message",
     .kind = K::count,
     .help = "Largest client message, bytes (default 1 MiB)",
     .set = [](ServerConfig& c, const json& v) { c.max_message = size(v); }},
    {.name = "queue_limit",
     .kind = K::count,
     .help = "Bytes queued for one client before it is dropped as too slow (default 8 MiB)",
     .set = [](ServerConfig& c, const json& v) { c.queue_limit = size(v); }},
    {.name = "max_connections",
     .kind = K::count,
     .help = "Connections open at once; more are answered 503 (default 4096)",
     .set = [](ServerConfig& c, const json& v) { c.max_connections = size(v); },
     .min = 1},
    {.name = "max_calls_per_connection",
     .kind = K::count,
     .help = "tools/call requests in flight on one connection; more get JSON-RPC error -32000 "
             "and the connection stays (default 32)",
     .set = [](ServerConfig& c, const json& v) { c.max_calls_per_connection = size(v); },
     .min = 1},
    {.name = "max_tokens_per_call",
     .kind = K::count,
     .help = "Tokens one generation may stream before it is stopped (default 100000)",
     .set = [](ServerConfig& c, const json& v) { c.max_tokens_per_call = size(v); },
     .min = 1},
    {.name = "max_summary_bytes",
     .kind = K::count,
     .help = "Bytes one generated summary may have before it is stopped (default 4 MiB)",
     .set = [](ServerConfig& c, const json& v) { c.max_summary_bytes = size(v); },
     .min = 1},
    {.name = "max_sessions",
     .kind = K::count,
     .help = "Streamable HTTP sessions open at once; more initialize requests are answered 503 "
             "(default 1024)",
     .set = [](ServerConfig& c, const json& v) { c.max_sessions = size(v); },
     .min = 1},
    {.name = "session_idle_timeout",
     .kind = K::seconds,
     .help = "Seconds a Streamable HTTP session may stay without a request or a call in flight "
             "before it is ended (default 1800)",
     .set = [](ServerConfig& c, const json& v) { c.session_idle_timeout = seconds(v); }},
    {.name = "auth_token",
     .kind = K::text,
     .help = "Require 'Authorization: Bearer TOKEN' on every HTTP and WebSocket request "
             "(default $MCP_SERVER_AUTH_TOKEN, else none)",
     .set = [](ServerConfig& c, const json& v) { c.auth_token = text(v); }},
    {.name = "allowed_origins",
     .kind = K::text,
     .help = "Browser origins allowed besides loopback ones, comma-separated, '*' for any; other "
             "Origin headers get 403 (default: loopback only)",
     .set = [](ServerConfig& c, const json& v) { c.allowed_origins = text(v); }},
    {.name = "csv_formulas",
     .kind = K::choice,
     .help = "Summaries starting with = + - @ (CSV injection): keep (default), escape (store "
             "with a leading '), refuse",
     .set = [](ServerConfig& c, const json& v) { c.csv_formulas = *parse_formula_policy(text(v)); },
     .choices = formula_policy_names()},
    {.name = "ping_interval",
     .kind = K::seconds,
     .help = "Seconds between keep-alive pings (default 30)",
     .set = [](ServerConfig& c, const json& v) { c.ping_interval = seconds(v); }},
    {.name = "pong_timeout",
     .kind = K::seconds,
     .help = "Seconds without an answer before an idle client is dropped (default 120)",
     .set = [](ServerConfig& c, const json& v) { c.pong_timeout = seconds(v); }},
    // Every timer is scaled by it: a factor <= 0 (or NaN) would turn every timer off.
    {.name = "time_scale",
     .kind = K::real,
     .help = "Multiply every duration (timeouts, pings) by this factor (default 1)",
     .set = [](ServerConfig& c, const json& v) { c.time_scale = v.get<double>(); },
     .lo = 1e-6,
     .hi = 1e6},
    {.name = "threads",
     .kind = K::count,
     .help = "I/O threads (default: one per core)",
     .set = [](ServerConfig& c, const json& v) { c.threads = static_cast<unsigned>(size(v)); },
     .max = std::numeric_limits<unsigned>::max()},
    {.name = "log_level",
     .kind = K::choice,
     .help = "trace, debug, info, warn, error, off",
     .set = [](ServerConfig& c, const json& v) { c.log_level = *common::parse_log_level(text(v)); },
     .choices = common::log_level_names()},
};

// How a refused value is named: numbers and booleans as written, anything else by type.
std::string got(const json& v) {
    if (v.is_number() || v.is_boolean()) return v.dump();
    if (v.is_object() || v.is_array()) return std::string("an ") + v.type_name();
    return std::string("a ") + v.type_name();
}

[[noreturn]] void wrong_type(const char* expected, const json& v) {
    throw std::invalid_argument(std::string("wrong type: expected ") + expected + ", got " +
                                got(v));
}

void check_count(const ServerSetting& s, const json& v) {
    if (!v.is_number_integer()) wrong_type("a non-negative integer", v);
    const bool negative = !v.is_number_unsigned() && v.get<std::int64_t>() < 0;
    if (!negative && v.get<std::uint64_t>() >= s.min && v.get<std::uint64_t>() <= s.max) return;
    if (s.max == std::numeric_limits<std::uint64_t>::max())
        throw std::invalid_argument("valid: " + std::to_string(s.min) + " or more");
    throw std::invalid_argument("valid: " + std::to_string(s.min) + " to " + std::to_string(s.max));
}

void check_real(double lo, double hi, const json& v) {
    if (!v.is_number()) wrong_type("a number", v);
    const double d = v.get<double>();
    if (d >= lo && d <= hi) return;  // written so that NaN fails too
    if (lo == -kLargest) throw std::invalid_argument("valid: a finite number");
    std::ostringstream os;
    os << "valid: " << lo << " to " << hi;
    throw std::invalid_argument(os.str());
}

}  // namespace

std::string ServerSetting::flag() const {
    std::string f = kind == SettingKind::off_switch ? "--no-" : "--";
    for (const char ch : name) f += ch == '_' ? '-' : ch;
    return f;
}

std::span<const ServerSetting> server_settings() {
    return kSettings;
}

const ServerSetting* find_server_setting(std::string_view name) {
    const auto* it = std::find_if(std::begin(kSettings), std::end(kSettings),
                                  [&](const ServerSetting& s) { return s.name == name; });
    return it == std::end(kSettings) ? nullptr : it;
}

std::string server_setting_names() {
    std::string out;
    for (const auto& s : kSettings) out += (out.empty() ? "" : ", ") + std::string(s.name);
    return out;
}

void check_setting_value(const ServerSetting& s, const json& v) {
    switch (s.kind) {
        case K::text:
            if (!v.is_string()) wrong_type("a string", v);
            return;
        case K::choice:
            if (!v.is_string()) wrong_type("a string", v);
            if (std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) ==
                s.choices.end())
                throw std::invalid_argument("valid: " + common::spelled_list(s.choices));
            return;
        case K::count:
            return check_count(s, v);
        case K::seconds:
            return check_real(-kLargest, kLargest, v);
        case K::real:
            return check_real(s.lo, s.hi, v);
        case K::off_switch:
            if (!v.is_boolean()) wrong_type("true or false", v);
            return;
    }
}

void apply_server_setting(const std::string& key, const json& value, ServerConfig& c) {
    const ServerSetting* s = find_server_setting(key);
    if (s == nullptr) throw std::invalid_argument("unknown key; valid: " + server_setting_names());
    check_setting_value(*s, value);
    s->set(c, value);
}

json setting_value_from_text(const ServerSetting& s, const std::string& text) {
    switch (s.kind) {
        case K::text:
        case K::choice:
            return text;
        case K::off_switch:
            return false;  // the flag is "--no-NAME"
        case K::count:
        case K::seconds:
        case K::real:
            break;
    }
    // A number as JSON writes it; "nan", "inf" and "0x10" are not numbers.
    json v = json::parse(text, nullptr, false);
    if (v.is_discarded() || !v.is_number())
        throw std::invalid_argument("expected a number, got '" + text + "'");
    return v;
}

void apply_server_config_file(const std::filesystem::path& file, ServerConfig& c) {
    common::apply_config_object(
        file, common::read_json_file(file),
        [&](const std::string& key, const json& value) { apply_server_setting(key, value, c); });
}

}  // namespace core
