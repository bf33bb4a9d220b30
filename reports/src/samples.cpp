#include "reports/samples.hpp"

#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_reader.hpp"
#include "reports/report.hpp"

namespace reports {

namespace {

// Times in arrival (emission) order mostly grow by a few hundred µs: each is written as its
// difference to the one before (the first, to the scenario's start), a few digits each.
std::vector<std::int64_t> deltas(const std::vector<std::int64_t>& times) {
    std::vector<std::int64_t> out;
    out.reserve(times.size());
    std::int64_t previous = 0;
    for (const auto t : times) {
        out.push_back(t - previous);
        previous = t;
    }
    return out;
}

// ordered_json: the fields in this order on every line, the scenario and call first.
nlohmann::ordered_json line_of(const std::string& scenario, const CallSamples& c) {
    return {{"scenario", scenario},
            {"call", c.call},
            {"client", c.client},
            {"patient", c.patient_id},
            {"outcome", c.outcome},
            {"sent_us", c.sent_us},
            {"response_us", c.response_us},
            {"arrived_delta_us", deltas(c.arrived_us)},
            {"emitted_delta_us", deltas(c.emitted_us)}};
}

// The times a deltas() array stands for.
std::vector<std::int64_t> times(const Reader& r, std::string_view key) {
    const json& v = r.array(key);
    std::vector<std::int64_t> out;
    out.reserve(v.size());
    std::int64_t t = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string at = r.item(key, i);
        if (!fits_int64(v[i])) r.raise(at, "expected an integer");
        if (__builtin_add_overflow(t, v[i].get<std::int64_t>(), &t)) r.raise(at, "overflows");
        out.push_back(t);
    }
    return out;
}

CallSamples call_from(const Reader& r) {
    CallSamples c;
    c.scenario = r.str("scenario");
    c.call = r.str("call");
    c.client = r.count("client");
    c.patient_id = r.str("patient");
    c.outcome = r.str("outcome");
    c.sent_us = r.integer("sent_us");
    c.response_us = r.integer("response_us");
    c.arrived_us = times(r, "arrived_delta_us");
    c.emitted_us = times(r, "emitted_delta_us");
    return c;
}

json parsed(std::string_view line, std::size_t number) {
    try {
        return json::parse(line);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
        throw std::invalid_argument("samples.jsonl:" + std::to_string(number) +
                                    ": not valid JSON: " + e.what());
    }
}

void expect_header(const json& j, std::size_t number) {
    if (!j.is_object() || !j.contains("samples_version")) {
        throw std::invalid_argument(
            "samples.jsonl:" + std::to_string(number) +
            ": expected the header {\"samples_version\":" + std::to_string(kSamplesVersion) + "}");
    }
    if (j["samples_version"] != kSamplesVersion) {
        throw std::invalid_argument("samples.jsonl:" + std::to_string(number) +
                                    ": unsupported samples_version " + j["samples_version"].dump() +
                                    " (this reads " + std::to_string(kSamplesVersion) + ")");
    }
}

}  // namespace

std::string render_samples(const RunReport& report) {
    std::string out = json{{"samples_version", kSamplesVersion}}.dump() + "\n";
    for (const auto& s : report.scenarios) {
        for (const auto& c : s.samples) {
            out += line_of(s.name, c).dump(-1, ' ', false,
                                           nlohmann::ordered_json::error_handler_t::replace);
            out += '\n';
        }
    }
    return out;
}

void parse_samples(std::string_view text, RunReport& report) {
    std::map<std::string, ScenarioResult*, std::less<>> by_name;
    for (auto& s : report.scenarios) by_name.try_emplace(s.name, &s);
    bool header = false;
    for (std::size_t number = 1; !text.empty(); ++number) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.size() > kMaxSamplesLineBytes) {
            throw std::invalid_argument("samples.jsonl:" + std::to_string(number) +
                                        ": longer than " + std::to_string(kMaxSamplesLineBytes) +
                                        " bytes");
        }
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        const json j = parsed(line, number);
        if (!header) {
            expect_header(j, number);
            header = true;
            continue;
        }
        const Reader r(j, "", "samples.jsonl:" + std::to_string(number));
        auto call = call_from(r);
        const auto it = by_name.find(call.scenario);
        if (it == by_name.end()) {
            r.raise("scenario", "\"" + call.scenario + "\" is not in the report");
        }
        it->second->samples.push_back(std::move(call));
    }
    if (!header) throw std::invalid_argument("samples.jsonl:1: expected the header");
}

}  // namespace reports
