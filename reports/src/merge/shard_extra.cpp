// extra.shard of one part, read and checked: a merge must not add up fields of the wrong type
// or a part that says it is another shard than its report.
#include <stdexcept>

#include "json_reader.hpp"
#include "merge/parts.hpp"

namespace reports::merge_detail {

namespace {

[[noreturn]] void fail(const Part& p, const std::string& field, const std::string& what) {
    throw std::invalid_argument(where(p, field.empty() ? "extra.shard" : "extra.shard." + field) +
                                ": " + what);
}

std::string field(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
}

// The wall-µs integer `key` of `j`.
std::int64_t wall_us(const Part& p, const json& j, const std::string& path, const char* key) {
    if (!j.contains(key) || !fits_int64(j[key])) fail(p, field(path, key), "expected an integer");
    return j[key].get<std::int64_t>();
}

double number(const Part& p, const json& j, const std::string& path, const char* key) {
    if (!j.contains(key) || !j[key].is_number()) fail(p, field(path, key), "expected a number");
    return j[key].get<double>();
}

std::size_t count(const Part& p, const json& j, const char* key) {
    const json& v = j[key];
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
        fail(p, key, "expected a non-negative integer");
    }
    return v.get<std::size_t>();
}

std::optional<Window> window_of(const Part& p, const json& s) {
    if (!s.contains("window")) return std::nullopt;
    const json& w = s["window"];
    if (!w.is_object()) fail(p, "window", "expected an object");
    Window out{wall_us(p, w, "window", "start_wall_us"), wall_us(p, w, "window", "end_wall_us")};
    if (out.end_us < out.start_us) fail(p, "window", "ends before it starts");
    return out;
}

std::optional<Clock> clock_of(const Part& p, const json& s) {
    if (!s.contains("clock")) return std::nullopt;
    const json& c = s["clock"];
    if (!c.is_object()) fail(p, "clock", "expected an object");
    Clock out{number(p, c, "clock", "offset_us"), number(p, c, "clock", "uncertainty_us")};
    if (out.uncertainty_us < 0) fail(p, "clock.uncertainty_us", "negative");
    return out;
}

}  // namespace

std::string where(const Part& part, const std::string& field) {
    return part.from->input->dir + ": scenarios[" + part.scenario->name + "]." + field;
}

ShardExtra shard_extra(const Part& p) {
    ShardExtra out;
    const json& extra = p.scenario->extra;
    if (!extra.is_object() || !extra.contains("shard")) return out;
    const json& s = extra["shard"];
    if (!s.is_object()) fail(p, "", "expected an object");
    out.present = true;
    for (const char* key : {"index", "count"}) {
        if (!s.contains(key)) fail(p, key, "missing");
    }
    out.index = count(p, s, "index");
    out.count = count(p, s, "count");
    if (p.from->shard_count != 0 &&
        (out.count != p.from->shard_count ||
         p.from->label != "shard " + std::to_string(out.index) + "/" + std::to_string(out.count))) {
        fail(p, "index",
             std::to_string(out.index) + "/" + std::to_string(out.count) + " but the report is " +
                 p.from->label);
    }
    if (s.contains("by")) {
        if (!s["by"].is_string()) fail(p, "by", "expected \"clients\" or \"scenario\"");
        out.by = s["by"].get<std::string>();
        if (out.by != "clients" && out.by != "scenario") {
            fail(p, "by", "\"" + out.by + "\": expected \"clients\" or \"scenario\"");
        }
    }
    if (s.contains("clients")) out.clients = count(p, s, "clients");
    if (s.contains("tokens")) out.tokens = number(p, s, "", "tokens");
    out.window = window_of(p, s);
    out.clock = clock_of(p, s);
    return out;
}

std::optional<Window> common_window(const std::vector<Part>& parts) {
    std::optional<Window> out;
    for (const auto& p : parts) {
        const auto w = shard_extra(p).window;
        if (!w) return std::nullopt;
        if (!out) {
            out = w;
            continue;
        }
        out->start_us = std::min(out->start_us, w->start_us);
        out->end_us = std::max(out->end_us, w->end_us);
    }
    return out;
}

}  // namespace reports::merge_detail
