#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <variant>

#include "common/enum_names.hpp"
#include "harness/connection.hpp"
#include "harness/json_locator.hpp"
#include "harness/scenario.hpp"
#include "mock_ollama/fault.hpp"
#include "mock_ollama/textgen.hpp"
#include "reports/report.hpp"
#include "scenario/mock_config.hpp"
#include "scenario/server_block.hpp"
#include "scenario/step_kinds.hpp"

namespace harness {

using nlohmann::json;

const std::vector<std::string>& known_checks() {
    // The report's catalog: the check table's ids (reports/check_table.inc) and suite.all_pass.
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> out;
        for (const auto& info : reports::check_catalog()) out.emplace_back(info.id);
        return out;
    }();
    return ids;
}

ScenarioError::ScenarioError(std::filesystem::path file, std::size_t line, std::size_t column,
                             const std::string& problem)
    : std::runtime_error(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                         ": " + problem),
      file_(std::move(file)),
      line_(line),
      column_(column) {}

std::string resolve_patient(const std::string& spec, std::size_t own_index,
                            const std::vector<std::string>& ids, const std::string& own) {
    if (spec.empty()) return own;
    if (spec[0] == '+' && !ids.empty()) {
        return ids[(own_index + std::strtoul(spec.c_str() + 1, nullptr, 10)) % ids.size()];
    }
    return spec;
}

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = SIZE_MAX;
    for (const auto& c : candidates) {
        std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
        for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
        for (std::size_t i = 1; i <= word.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j) {
                cur[j] = std::min(
                    {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1)});
            }
            std::swap(prev, cur);
        }
        if (prev[c.size()] < best_d) {
            best_d = prev[c.size()];
            best = c;
        }
    }
    return best;
}

namespace {

// Bounds on counts whose value the harness turns into memory or processes: far above any
// sensible scenario, far below what would exhaust the machine.
constexpr std::uint64_t kMaxClients = 100'000;
constexpr std::uint64_t kMaxOversizedBytes = std::uint64_t{1} << 30;
// Far above any machine: a larger figure is a typo, not a need.
constexpr std::uint64_t kMaxNeededCores = 1'000'000;
constexpr std::uint64_t kMaxNeededFds = 1'000'000'000;

// Reads one scenario document, turning every problem into a ScenarioError at its place.
class Reader {
  public:
    Reader(const JsonLocator& locator, std::filesystem::path file)
        : locator_(locator), file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& pointer, const std::string& problem,
                           bool at_key = false) const {
        const auto p = locator_.find(pointer, at_key);
        throw ScenarioError(file_, p.line, p.column, problem);
    }

    static std::string where(const std::string& pointer) {
        // "/steps/2/op" -> "steps[2].op"
        std::string out;
        std::size_t i = 1;
        while (i <= pointer.size()) {
            const auto next = pointer.find('/', i);
            const std::string part =
                pointer.substr(i, next == std::string::npos ? std::string::npos : next - i);
            const bool index = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
                return c >= '0' && c <= '9';
            });
            if (index)
                out += "[" + part + "]";
            else
                out += (out.empty() ? "" : ".") + part;
            if (next == std::string::npos) break;
            i = next + 1;
        }
        return out.empty() ? "the scenario" : out;
    }

    void keys(const json& obj, const std::string& ptr,
              const std::vector<std::string>& allowed) const {
        if (!obj.is_object()) fail(ptr, where(ptr) + ": expected an object");
        for (const auto& [key, value] : obj.items()) {
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const std::string all = common::spelled_list(allowed);
            fail(ptr + "/" + json_pointer_token(key),
                 "unknown key '" + key + "' in " + where(ptr) + "; did you mean '" +
                     nearest(key, allowed) + "'? (valid: " + all + ")",
                 true);
        }
    }

    std::string str(const json& v, const std::string& ptr) const {
        if (!v.is_string()) fail(ptr, where(ptr) + ": expected a string");
        return v.get<std::string>();
    }
    double num(const json& v, const std::string& ptr, double lo, double hi) const {
        if (!v.is_number()) fail(ptr, where(ptr) + ": expected a number");
        const double d = v.get<double>();
        if (d < lo || d > hi) {
            std::ostringstream os;
            os << where(ptr) << ": must be between " << lo << " and " << hi << ", got " << d;
            fail(ptr, os.str());
        }
        return d;
    }
    // A non-negative integer up to `hi` (a number parsed from text is "unsigned" when
    // positive, "integer" when negative).
    std::uint64_t count(const json& v, const std::string& ptr,
                        std::uint64_t hi = UINT64_MAX) const {
        if (!v.is_number_unsigned()) {
            if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::uint64_t>();
            fail(ptr, where(ptr) + ": expected a non-negative integer");
        }
        const auto n = v.get<std::uint64_t>();
        if (n > hi) {
            fail(ptr, where(ptr) + ": must be at most " + std::to_string(hi) + ", got " +
                          std::to_string(n));
        }
        return n;
    }
    bool boolean(const json& v, const std::string& ptr) const {
        if (!v.is_boolean()) fail(ptr, where(ptr) + ": expected true or false");
        return v.get<bool>();
    }

    // The scenario's mock settings (`per_call` false) or one generate step's: a step's pacing
    // becomes a mock rule, which has no seed and no hostile_rate.
    MockSettings mock(const json& m, const std::string& ptr, bool per_call) const {
        if (per_call)
            keys(m, ptr, {"ttft_ms", "tps", "jitter", "tokens", "profile"});
        else
            keys(m, ptr, {"ttft_ms", "tps", "jitter", "tokens", "profile", "hostile_rate", "seed"});
        MockSettings s;
        if (m.contains("ttft_ms")) s.ttft_ms = num(m["ttft_ms"], ptr + "/ttft_ms", 0, 86'400'000);
        if (m.contains("tps")) s.tps = num(m["tps"], ptr + "/tps", 0.001, 1e9);
        if (m.contains("jitter")) s.jitter = num(m["jitter"], ptr + "/jitter", 0, 1);
        if (m.contains("hostile_rate")) {
            s.hostile_rate = num(m["hostile_rate"], ptr + "/hostile_rate", 0, 1);
        }
        if (m.contains("tokens")) s.tokens = count(m["tokens"], ptr + "/tokens");
        if (m.contains("seed")) s.seed = count(m["seed"], ptr + "/seed");
        if (m.contains("profile")) {
            s.profile = str(m["profile"], ptr + "/profile");
            if (!mock_ollama::parse_text_profile(*s.profile)) {
                fail(ptr + "/profile", where(ptr + "/profile") + ": must be one of " +
                                           common::spelled_list(mock_ollama::text_profile_names()));
            }
        }
        return s;
    }

    ServerSettings server(const json& m, const std::string& ptr) const {
        if (!m.is_object()) fail(ptr, where(ptr) + ": expected an object");
        try {
            return read_server_block(m, where(ptr));
        } catch (const ServerBlockProblem& p) {
            fail(ptr + "/" + json_pointer_token(p.key), p.message, p.at_key);
        }
    }

    StreamForm form(const json& v, const std::string& ptr) const {
        const auto f = str(v, ptr);
        if (f == "legacy") return StreamForm::legacy;
        if (f == "progress") return StreamForm::progress;
        fail(ptr, where(ptr) +
                      ": must be \"legacy\" (stream_token frames) or \"progress\" "
                      "(notifications/progress)");
    }

    ShardBy shard_by(const json& v, const std::string& ptr) const {
        const auto by = str(v, ptr);
        if (by == "scenario") return ShardBy::scenario;
        if (by == "clients") return ShardBy::clients;
        fail(ptr, where(ptr) +
                      ": must be \"scenario\" (one shard runs it whole) or \"clients\" (every "
                      "shard runs its share of the clients)");
    }

    // "needs": {"cores": C, "fds": F}, at least one of them, each a positive integer.
    Needs needs(const json& v, const std::string& ptr) const {
        keys(v, ptr, {"cores", "fds"});
        if (v.empty()) fail(ptr, where(ptr) + ": name \"cores\", \"fds\" or both");
        const auto positive = [&](const char* key, std::uint64_t hi) -> std::uint64_t {
            if (!v.contains(key)) return 0;
            const std::string p = ptr + "/" + key;
            const auto n = count(v[key], p, hi);
            if (n == 0) fail(p, where(p) + ": must be at least 1");
            return n;
        };
        return {positive("cores", kMaxNeededCores), positive("fds", kMaxNeededFds)};
    }

    // What the step expects: expect_code, expect_text, expect (raw defaults to a protocol
    // error, oversized to a close).
    void expectation(const json& s, const std::string& ptr, Step& st) const {
        if (s.contains("expect_code")) {
            const json& code = s["expect_code"];
            const bool fits = code.is_number_unsigned() ? code.get<std::uint64_t>() <= INT32_MAX
                                                        : code.is_number_integer() &&
                                                              code.get<std::int64_t>() >= INT32_MIN;
            if (!fits) {
                fail(ptr + "/expect_code",
                     where(ptr + "/expect_code") + ": expected an integer that fits 32 bits");
            }
            st.expect_code = code.get<int>();
        }
        if (s.contains("expect_text")) st.expect_text = str(s["expect_text"], ptr + "/expect_text");
        if (s.contains("expect")) {
            const auto e = str(s["expect"], ptr + "/expect");
            if (e == "ok")
                st.expect = Expect::ok;
            else if (e == "tool_error")
                st.expect = Expect::tool_error;
            else if (e == "protocol_error")
                st.expect = Expect::protocol_error;
            else if (e == "close")
                st.expect = Expect::close;
            else
                fail(ptr + "/expect",
                     where(ptr + "/expect") + ": must be ok, tool_error, protocol_error or close");
        } else if (st.kind == StepKind::raw) {
            st.expect = Expect::protocol_error;
        } else if (st.kind == StepKind::oversized) {
            st.expect = Expect::close;
        }
    }

    Step step(const json& s, const std::string& ptr) const {
        if (!s.is_object()) fail(ptr, where(ptr) + ": expected an object with \"op\"");
        if (!s.contains("op")) fail(ptr, where(ptr) + ": missing \"op\"");
        const auto op = str(s["op"], ptr + "/op");
        const StepKindInfo* kind = step_kind_of(op);
        if (kind == nullptr) {
            fail(ptr + "/op", "unknown op '" + op + "' in " + where(ptr) + "; did you mean '" +
                                  nearest(op, step_ops()) + "'?");
        }
        Step st;
        st.kind = kind->kind;
        std::vector<std::string> allowed = {"op", "expect", "expect_code", "expect_text"};
        allowed.insert(allowed.end(), kind->keys.begin(), kind->keys.end());
        keys(s, ptr, allowed);
        if (s.contains("patient")) st.patient = str(s["patient"], ptr + "/patient");
        if (s.contains("keyword")) st.keyword = str(s["keyword"], ptr + "/keyword");
        if (s.contains("summary")) st.summary = str(s["summary"], ptr + "/summary");
        if (s.contains("save")) st.save = boolean(s["save"], ptr + "/save");
        if (s.contains("stream_upstream")) {
            st.stream_upstream = boolean(s["stream_upstream"], ptr + "/stream_upstream");
        }
        if (s.contains("form")) st.form = form(s["form"], ptr + "/form");
        if (s.contains("fault")) {
            // The mock's own parser: a fault it would refuse at run time is refused here.
            st.fault = str(s["fault"], ptr + "/fault");
            const auto parsed = mock_ollama::parse_fault(st.fault);
            if (const auto* problem = std::get_if<std::string>(&parsed)) {
                fail(ptr + "/fault", where(ptr + "/fault") + ": " + *problem);
            }
        }
        if (s.contains("mock")) st.pacing = mock(s["mock"], ptr + "/mock", true);
        if (s.contains("as")) st.label = str(s["as"], ptr + "/as");
        if (s.contains("call")) st.target = str(s["call"], ptr + "/call");
        if (s.contains("after_tokens"))
            st.after_tokens = count(s["after_tokens"], ptr + "/after_tokens");
        if (s.contains("frame")) st.frame = str(s["frame"], ptr + "/frame");
        if (s.contains("bytes")) st.bytes = count(s["bytes"], ptr + "/bytes", kMaxOversizedBytes);
        if (s.contains("ms")) st.ms = num(s["ms"], ptr + "/ms", 0, 86'400'000);
        expectation(s, ptr, st);
        if (st.kind == StepKind::update && !s.contains("summary"))
            fail(ptr, where(ptr) + ": update needs \"summary\"");
        if (st.kind == StepKind::search && !s.contains("keyword"))
            fail(ptr, where(ptr) + ": search needs \"keyword\"");
        if (st.kind == StepKind::cancel && st.target.empty())
            fail(ptr, where(ptr) + ": cancel needs \"call\" (the \"as\" of a generate step)");
        if (st.kind == StepKind::raw && !s.contains("frame"))
            fail(ptr, where(ptr) + ": raw needs \"frame\"");
        if (st.kind == StepKind::oversized && st.bytes == 0)
            fail(ptr, where(ptr) + ": oversized needs \"bytes\"");
        if (st.kind == StepKind::generate) mock_accepts(step_rule_json(st), ptr, true);
        if (st.kind == StepKind::parallel) {
            if (!s.contains("steps") || !s["steps"].is_array() || s["steps"].empty()) {
                fail(ptr, where(ptr) + ": parallel needs a non-empty \"steps\" array");
            }
            for (std::size_t i = 0; i < s["steps"].size(); ++i) {
                st.steps.push_back(step(s["steps"][i], ptr + "/steps/" + std::to_string(i)));
            }
        }
        return st;
    }

    Scenario scenario(const json& doc) const {
        keys(doc, "",
             {"name", "description", "checks", "mock", "server", "clients", "form", "transport",
              "protocol_version", "ttft_tolerance_ms", "lag_p99_tolerance_ms",
              "timeout_tolerance_ms", "deadline_s", "steps", "shard_by", "needs"});
        Scenario sc;
        sc.file = file_;
        if (!doc.contains("name")) fail("", "missing \"name\"");
        sc.name = str(doc["name"], "/name");
        if (doc.contains("description")) sc.description = str(doc["description"], "/description");
        if (!doc.contains("checks") || !doc["checks"].is_array() || doc["checks"].empty()) {
            fail(doc.contains("checks") ? "/checks" : "",
                 "\"checks\" must be a non-empty array of check ids");
        }
        for (std::size_t i = 0; i < doc["checks"].size(); ++i) {
            const std::string ptr = "/checks/" + std::to_string(i);
            const auto id = str(doc["checks"][i], ptr);
            const auto& known = known_checks();
            if (std::find(known.begin(), known.end(), id) == known.end()) {
                fail(ptr, "unknown check '" + id + "'; did you mean '" + nearest(id, known) + "'?");
            }
            sc.checks.push_back(id);
        }
        if (doc.contains("mock")) {
            sc.mock = mock(doc["mock"], "/mock", false);
            json config = pacing_json(sc.mock);
            if (sc.mock.seed) config["seed"] = *sc.mock.seed;
            mock_accepts(config, "/mock", false);
        }
        if (doc.contains("server")) sc.server = server(doc["server"], "/server");
        if (doc.contains("clients")) {
            const auto n = count(doc["clients"], "/clients");
            if (n == 0 || n > kMaxClients) {
                fail("/clients", "clients: must be 1.." + std::to_string(kMaxClients) + ", got " +
                                     std::to_string(n));
            }
            sc.clients = n;
        }
        if (doc.contains("form")) sc.form = form(doc["form"], "/form");
        if (doc.contains("shard_by")) sc.shard_by = shard_by(doc["shard_by"], "/shard_by");
        if (doc.contains("needs")) sc.needs = needs(doc["needs"], "/needs");
        if (doc.contains("transport")) {
            sc.transport = str(doc["transport"], "/transport");
            if (!is_transport(sc.transport)) {
                fail("/transport", "transport: must be one of " +
                                       common::spelled_list(kTransportNames) + ", got '" +
                                       sc.transport + "'");
            }
        }
        if (doc.contains("protocol_version")) {
            sc.protocol_version = str(doc["protocol_version"], "/protocol_version");
            if (!is_protocol_version(sc.protocol_version)) {
                fail("/protocol_version", "protocol_version: must be one of " +
                                              protocol_versions_list() + ", got '" +
                                              sc.protocol_version + "'");
            }
        }
        if (doc.contains("ttft_tolerance_ms"))
            sc.ttft_tolerance_ms = num(doc["ttft_tolerance_ms"], "/ttft_tolerance_ms", 0, 1e7);
        if (doc.contains("lag_p99_tolerance_ms"))
            sc.lag_p99_tolerance_ms =
                num(doc["lag_p99_tolerance_ms"], "/lag_p99_tolerance_ms", 0, 1e7);
        if (doc.contains("timeout_tolerance_ms"))
            sc.timeout_tolerance_ms =
                num(doc["timeout_tolerance_ms"], "/timeout_tolerance_ms", 0, 1e7);
        if (doc.contains("deadline_s"))
            sc.deadline_s = num(doc["deadline_s"], "/deadline_s", 0.001, 86'400);
        if (!doc.contains("steps") || !doc["steps"].is_array() || doc["steps"].empty()) {
            fail(doc.contains("steps") ? "/steps" : "", "\"steps\" must be a non-empty array");
        }
        for (std::size_t i = 0; i < doc["steps"].size(); ++i) {
            sc.steps.push_back(step(doc["steps"][i], "/steps/" + std::to_string(i)));
        }
        // A cancel must name an earlier generate's "as".
        std::vector<std::string> labels;
        std::function<void(const std::vector<Step>&, const std::string&)> check_labels =
            [&](const std::vector<Step>& steps, const std::string& base) {
                for (std::size_t i = 0; i < steps.size(); ++i) {
                    const auto& st = steps[i];
                    if (!st.label.empty()) labels.push_back(st.label);
                    if (st.kind == StepKind::cancel &&
                        std::find(labels.begin(), labels.end(), st.target) == labels.end()) {
                        fail(base + "/" + std::to_string(i) + "/call",
                             "cancel names call '" + st.target +
                                 "', but no earlier generate step has \"as\": \"" + st.target +
                                 "\"");
                    }
                    check_labels(st.steps, base + "/" + std::to_string(i) + "/steps");
                }
            };
        check_labels(sc.steps, "/steps");
        return sc;
    }

  private:
    // Asks the mock's config parser about what the runner will send it (`doc` as the config,
    // or as its only rule when `as_rule`): whatever passed the checks above but the mock
    // would refuse is refused here, with the mock's words.
    void mock_accepts(const json& doc, const std::string& ptr, bool as_rule) const {
        try {
            check_mock_config(as_rule ? json{{"rules", json::array({doc})}} : doc);
        } catch (const std::exception& e) {
            fail(ptr, where(ptr) + ": mock-ollama would refuse it: " + e.what());
        }
    }

    const JsonLocator& locator_;
    std::filesystem::path file_;
};

}  // namespace

Scenario parse_scenario(std::string_view text, const std::filesystem::path& file) {
    // The locator's scan comes first: it ends on any bytes and stops at the depth limit, so
    // nothing below (the parser, the reader's recursion into parallel steps) goes deeper.
    const JsonLocator locator(text);
    if (const auto deep = locator.too_deep()) {
        const auto p = locator.at(*deep);
        throw ScenarioError(file, p.line, p.column,
                            "nested deeper than " + std::to_string(JsonLocator::kMaxDepth) +
                                " levels (arrays and objects)");
    }
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        const auto p = locator.at(e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        const auto colon = what.find(": ", what.find("parse error"));
        throw ScenarioError(
            file, p.line, p.column,
            "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    } catch (const json::exception& e) {
        // A number too large for a double ("number overflow parsing '1e400'"): nlohmann gives
        // no offset, but it quotes the number, which places it.
        std::string what = e.what();
        const auto open = what.find('\'');
        const auto close = what.rfind('\'');
        std::size_t at = 0;
        if (open != std::string::npos && close > open) {
            const auto found = text.find(what.substr(open + 1, close - open - 1));
            if (found != std::string_view::npos) at = found;
        }
        const auto p = locator.at(at);
        const auto bracket = what.find("] ");
        throw ScenarioError(
            file, p.line, p.column,
            "invalid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
    }
    return Reader(locator, file).scenario(doc);
}

}  // namespace harness
