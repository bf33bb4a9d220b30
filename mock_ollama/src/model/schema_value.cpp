// value_for_schema: first a check of the whole schema (every keyword known, every $ref
// resolvable), so the answer "not supported" does not depend on the seed or on which anyOf
// branch is taken; then one walk that builds the value.
#include "model/schema_value.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "common/rng.hpp"
#include "common/utf8.hpp"
#include "model/vocabulary.hpp"

namespace mock_ollama {
namespace {

using nlohmann::json;
using Error = std::optional<std::string>;

// Keywords that only describe: ignored. So is OpenAPI's `nullable` (the openai helper writes it
// for zod's .nullable()): it only widens `type`, so a value that ignores it still validates.
constexpr std::array<std::string_view, 12> kAnnotations{
    "title",    "description", "$schema",  "$id",       "$comment",   "default",
    "examples", "strict",      "readOnly", "writeOnly", "deprecated", "nullable"};
constexpr std::array<std::string_view, 7> kTypes{"object", "array",   "string", "integer",
                                                 "number", "boolean", "null"};
constexpr std::array<std::string_view, 6> kFormats{"date-time", "date", "time",
                                                   "email",     "uuid", "uri"};
// Integers the mock produces stay within what a double (and so JavaScript) holds exactly.
constexpr double kMaxSafeInteger = 9007199254740991.0;

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view s) {
    return std::find(names.begin(), names.end(), s) != names.end();
}

std::string child(const std::string& path, std::string_view seg) {
    return path.empty() ? std::string(seg) : path + "." + std::string(seg);
}

std::string at(const std::string& path, const std::string& message) {
    return path.empty() ? message : path + ": " + message;
}

std::string number_text(double d) {
    if (std::floor(d) == d && std::abs(d) < 1e15)
        return std::to_string(static_cast<std::int64_t>(d));
    return json(d).dump();
}

// minItems and the like: 3, or 3.0, which JSON Schema counts as the same integer.
bool non_negative_integer(const json& v) {
    if (v.is_number_unsigned()) return true;
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    return d >= 0 && std::floor(d) == d && d < 1.8e19;
}

// "#", "#/$defs/a", "#/definitions/a~1b" and any other "#/..." pointer into the document.
const json* resolve(const json& root, const std::string& ref) {
    if (ref.empty() || ref[0] != '#') return nullptr;
    if (ref.size() == 1) return &root;
    try {
        const json::json_pointer ptr(ref.substr(1));
        if (!root.contains(ptr)) return nullptr;
        const json& target = root.at(ptr);
        return target.is_object() || target.is_boolean() ? &target : nullptr;
    } catch (const json::exception&) {
        return nullptr;
    }
}

// ---- the check ------------------------------------------------------------------------

class Checker {
  public:
    explicit Checker(const json& root) : root_(root) {}

    Error check(const json& s, const std::string& path, int nesting) {
        if (s.is_boolean()) return std::nullopt;
        if (!s.is_object()) return at(path, "a schema must be an object or a boolean");
        if (nesting > kSchemaMaxNesting) {
            return at(path, "schemas nested deeper than " + std::to_string(kSchemaMaxNesting) +
                                " levels are not supported");
        }
        for (const auto& [key, value] : s.items()) {
            if (auto err = keyword(s, key, value, path, nesting)) return err;
        }
        return std::nullopt;
    }

  private:
    Error keyword(const json& s, const std::string& key, const json& v, const std::string& path,
                  int nesting) {
        if (one_of(kAnnotations, key)) return std::nullopt;
        const auto bad = [&](const std::string& what) { return at(path, key + " " + what); };
        if (key == "type") return type(v, path);
        if (key == "properties" || key == "$defs" || key == "definitions") {
            if (!v.is_object()) return bad("must be an object");
            for (const auto& [name, sub] : v.items()) {
                if (auto err = check(sub, child(child(path, key), name), nesting + 1)) return err;
            }
            return std::nullopt;
        }
        if (key == "required") {
            if (!v.is_array()) return bad("must be an array of strings");
            for (const auto& r : v) {
                if (!r.is_string()) return bad("must be an array of strings");
            }
            return std::nullopt;
        }
        if (key == "additionalProperties" || key == "items") {
            if (key == "items" && v.is_array()) {
                return at(path, "keyword 'items' as an array (a tuple) is not supported");
            }
            return check(v, child(path, key), nesting + 1);
        }
        if (key == "enum") {
            if (!v.is_array() || v.empty()) return bad("must be a non-empty array");
            return alone(s, key, path);
        }
        if (key == "const") return alone(s, key, path);
        if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength") {
            if (!non_negative_integer(v)) return bad("must be a non-negative integer");
            return std::nullopt;
        }
        if (key == "minimum" || key == "maximum" || key == "multipleOf") {
            if (!v.is_number() || !std::isfinite(v.get<double>())) return bad("must be a number");
            if (key == "multipleOf" && !(v.get<double>() > 0)) return bad("must be greater than 0");
            return std::nullopt;
        }
        if (key == "exclusiveMinimum" || key == "exclusiveMaximum") {
            // A number (draft 6 on), or draft 4's boolean modifier of minimum/maximum.
            if (v.is_boolean()) return std::nullopt;
            if (!v.is_number() || !std::isfinite(v.get<double>())) return bad("must be a number");
            return std::nullopt;
        }
        if (key == "format") {
            if (!v.is_string()) return bad("must be a string");
            if (!one_of(kFormats, v.get<std::string>())) {
                return at(path, "format '" + v.get<std::string>() + "' is not supported");
            }
            return std::nullopt;
        }
        if (key == "anyOf") {
            if (!v.is_array() || v.empty()) return bad("must be a non-empty array of schemas");
            if (auto err = alone(s, key, path)) return err;
            for (std::size_t i = 0; i < v.size(); ++i) {
                const auto branch = child(path, "anyOf[" + std::to_string(i) + "]");
                if (auto err = check(v[i], branch, nesting + 1)) return err;
            }
            return std::nullopt;
        }
        if (key == "$ref") return ref(s, v, path, nesting);
        return at(path, "keyword '" + key + "' is not supported");
    }

    static Error type(const json& v, const std::string& path) {
        const auto known = [](const json& t) {
            return t.is_string() && one_of(kTypes, t.get<std::string>());
        };
        if (known(v)) return std::nullopt;
        if (v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), known)) {
            return std::nullopt;
        }
        return at(path,
                  "type must be one of object, array, string, integer, number, boolean, "
                  "null, or a non-empty array of them");
    }

    // $ref and anyOf decide the value alone: constraints beside them would need merging.
    // enum and const take a given value, checked against the scalar keywords beside them
    // (fits_locally); keywords that reach into members (properties, items, ...) are refused.
    static Error alone(const json& s, const std::string& key, const std::string& path) {
        static constexpr std::array<std::string_view, 10> kBesideValues{
            "type",       "minimum",   "maximum",   "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "minLength", "maxLength", "minItems",         "maxItems"};
        const bool values = key == "enum" || key == "const";
        for (const auto& [other, _] : s.items()) {
            if (other == key || one_of(kAnnotations, other) || other == "$defs" ||
                other == "definitions" || (values && one_of(kBesideValues, other))) {
                continue;
            }
            return at(path, "keyword '" + other + "' beside '" + key + "' is not supported");
        }
        return std::nullopt;
    }

    Error ref(const json& s, const json& v, const std::string& path, int nesting) {
        if (!v.is_string()) return at(path, "$ref must be a string");
        const auto target = v.get<std::string>();
        const json* t = resolve(root_, target);
        if (t == nullptr) {
            return at(path, "$ref '" + target +
                                "' does not point to a schema in this document (only local "
                                "references are supported)");
        }
        if (auto err = alone(s, "$ref", path)) return err;
        // Each target once: a recursive schema's check ends.
        if (!seen_.insert(target).second) return std::nullopt;
        return check(*t, "$ref(" + target + ")", nesting + 1);
    }

    const json& root_;
    std::set<std::string> seen_;
};

// ---- what a value must satisfy where the generator takes it as given (enum, const) ------

bool has_type(const json& v, std::string_view t) {
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_boolean();
    if (t == "string") return v.is_string();
    if (t == "array") return v.is_array();
    if (t == "object") return v.is_object();
    if (t == "number") return v.is_number();
    if (t == "integer") {
        if (v.is_number_integer()) return true;
        if (!v.is_number_float()) return false;
        const double d = v.get<double>();
        return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
}

bool type_fits(const json& v, const json& s) {
    if (!s.contains("type")) return true;
    const json& t = s["type"];
    if (t.is_string()) return has_type(v, t.get<std::string>());
    return std::any_of(t.begin(), t.end(),
                       [&](const json& one) { return has_type(v, one.get<std::string>()); });
}

bool number_fits(double d, const json& s) {
    const auto num = [&](const char* k) -> std::optional<double> {
        if (!s.contains(k) || !s[k].is_number()) return std::nullopt;
        return s[k].get<double>();
    };
    const bool ex_min_flag = s.value("exclusiveMinimum", json(false)) == json(true);
    const bool ex_max_flag = s.value("exclusiveMaximum", json(false)) == json(true);
    if (auto m = num("minimum"); m && (ex_min_flag ? d <= *m : d < *m)) return false;
    if (auto m = num("maximum"); m && (ex_max_flag ? d >= *m : d > *m)) return false;
    if (auto m = num("exclusiveMinimum"); m && d <= *m) return false;
    if (auto m = num("exclusiveMaximum"); m && d >= *m) return false;
    if (auto m = num("multipleOf"); m && std::fmod(d, *m) != 0) return false;
    return true;
}

// One level of the schema's constraints on a given value (nested values are taken as given).
bool fits_locally(const json& v, const json& s) {
    if (!s.is_object()) return s != json(false);
    if (!type_fits(v, s)) return false;
    const auto count = [&](const char* k, std::size_t n, bool is_min) {
        if (!s.contains(k)) return true;
        const auto limit = s[k].get<std::uint64_t>();
        return is_min ? n >= limit : n <= limit;
    };
    if (v.is_number()) return number_fits(v.get<double>(), s);
    if (v.is_string()) {
        const auto n = common::utf8::code_points(v.get_ref<const std::string&>());
        return count("minLength", n, true) && count("maxLength", n, false);
    }
    if (v.is_array())
        return count("minItems", v.size(), true) && count("maxItems", v.size(), false);
    if (v.is_object()) {
        for (const auto& r : s.value("required", json::array())) {
            if (!v.contains(r.get<std::string>())) return false;
        }
        if (s.value("additionalProperties", json(true)) == json(false)) {
            const json props = s.value("properties", json::object());
            for (const auto& [k, _] : v.items()) {
                if (!props.contains(k)) return false;
            }
        }
    }
    return true;
}

// ---- the generator ----------------------------------------------------------------------

class Generator {
  public:
    Generator(const json& root, std::uint64_t seed) : root_(root), rng_(seed) {}

    Error value(const json& s, const std::string& path, int depth, bool minimal, json& out) {
        if (fatal_) return fatal_;
        if (++steps_ > kSchemaMaxSteps) {
            return fail("the schema takes too much work to satisfy (more than " +
                        std::to_string(kSchemaMaxSteps) + " steps)");
        }
        if (depth > kSchemaMaxDepth) {
            return at(path, "nested deeper than " + std::to_string(kSchemaMaxDepth) +
                                " levels (a $ref that always recurses?)");
        }
        minimal = minimal || depth >= kSchemaMinimalDepth;
        if (s.is_boolean()) {
            if (!s.get<bool>()) return at(path, "the schema false admits no value");
            return string_value(json::object(), path, out);
        }
        if (s.contains("$ref")) {
            const auto target = s["$ref"].get<std::string>();
            return value(*resolve(root_, target), "$ref(" + target + ")", depth + 1, minimal, out);
        }
        if (s.contains("anyOf")) return any_of(s["anyOf"], path, depth, minimal, out);
        if (s.contains("const")) {
            if (!fits_locally(s["const"], s)) {
                return at(path, "const does not satisfy the schema's other keywords");
            }
            out = s["const"];
            return count(out);
        }
        if (s.contains("enum")) return enum_value(s, path, out);
        switch (pick_type(s, minimal)) {
            case 'n':
                out = nullptr;
                return count(out);
            case 'b':
                out = rng_.chance(0.5);
                return count(out);
            case 'i':
                return integer_value(s, path, out);
            case 'd':
                return number_value(s, path, out);
            case 'a':
                return array_value(s, path, depth, minimal, out);
            case 'o':
                return object_value(s, path, depth, minimal, out);
            default:
                return string_value(s, path, out);
        }
    }

  private:
    Error fail(std::string message) {
        fatal_ = std::move(message);
        return fatal_;
    }

    Error count(const json& v) {
        if (++values_ > kSchemaMaxValues) {
            return fail("the value would hold more than " + std::to_string(kSchemaMaxValues) +
                        " values");
        }
        if (v.is_string()) {
            string_bytes_ += v.get_ref<const std::string&>().size();
            if (string_bytes_ > kSchemaMaxStringBytes) {
                return fail("the value's strings would exceed " +
                            std::to_string(kSchemaMaxStringBytes) + " bytes");
            }
        }
        return std::nullopt;
    }

    // A cheap branch first when minimal: scalars, then objects and arrays, then references.
    static int cost(const json& branch) {
        if (!branch.is_object()) return 0;
        if (branch.contains("$ref") || branch.contains("anyOf")) return 2;
        if (branch.contains("type") && branch["type"].is_string()) {
            const auto t = branch["type"].get<std::string>();
            return t == "object" || t == "array" ? 1 : 0;
        }
        return 1;
    }

    Error any_of(const json& branches, const std::string& path, int depth, bool minimal,
                 json& out) {
        const std::size_t n = branches.size();
        std::vector<std::size_t> order(n);
        const std::size_t start = minimal ? 0 : rng_.below(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = (start + i) % n;
        if (minimal) {
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                return cost(branches[a]) < cost(branches[b]);
            });
        }
        // The first branch that can be satisfied; a branch fails when its bounds contradict
        // or its recursion never ends.
        Error first;
        for (const std::size_t i : order) {
            const auto branch = child(path, "anyOf[" + std::to_string(i) + "]");
            const std::size_t values = values_;
            const std::size_t bytes = string_bytes_;
            Error err = value(branches[i], branch, depth + 1, minimal, out);
            if (!err) return std::nullopt;
            if (fatal_) return fatal_;
            values_ = values;
            string_bytes_ = bytes;
            if (!first) first = err;
        }
        return first;
    }

    Error enum_value(const json& s, const std::string& path, json& out) {
        std::vector<const json*> fit;
        for (const auto& v : s["enum"]) {
            if (fits_locally(v, s)) fit.push_back(&v);
        }
        if (fit.empty()) return at(path, "no enum value satisfies the schema's other keywords");
        out = *fit[rng_.below(fit.size())];
        return count(out);
    }

    // 'o'bject, 'a'rray, 's'tring, 'i'nteger, 'd'ecimal number, 'b'oolean, 'n'ull.
    char pick_type(const json& s, bool minimal) {
        const auto code = [](const std::string& t) {
            return t == "integer" ? 'i' : t == "number" ? 'd' : t[0];
        };
        if (s.contains("type")) {
            const json& t = s["type"];
            if (t.is_string()) return code(t.get<std::string>());
            if (minimal) {  // null or a scalar ends a recursion soonest
                for (const char* cheap : {"null", "boolean", "integer", "number", "string"}) {
                    if (std::find(t.begin(), t.end(), json(cheap)) != t.end()) return code(cheap);
                }
            }
            return code(t[rng_.below(t.size())].get<std::string>());
        }
        // No type: the one the other keywords speak of, else a string.
        for (const char* k : {"properties", "required", "additionalProperties"}) {
            if (s.contains(k)) return 'o';
        }
        for (const char* k : {"items", "minItems", "maxItems"}) {
            if (s.contains(k)) return 'a';
        }
        for (const char* k :
             {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) {
            if (s.contains(k)) return 'd';
        }
        return 's';
    }

    // The bounds of a number schema: [lo, hi] with each end open or closed.
    struct Range {
        double lo = -INFINITY, hi = INFINITY;
        bool lo_open = false, hi_open = false;
    };

    static Range range_of(const json& s) {
        Range r;
        const bool ex_min_flag = s.value("exclusiveMinimum", json(false)) == json(true);
        const bool ex_max_flag = s.value("exclusiveMaximum", json(false)) == json(true);
        if (s.contains("minimum")) {
            r.lo = s["minimum"].get<double>();
            r.lo_open = ex_min_flag;
        }
        if (s.contains("maximum")) {
            r.hi = s["maximum"].get<double>();
            r.hi_open = ex_max_flag;
        }
        // Both a minimum and an exclusiveMinimum: the tighter one counts.
        if (s.contains("exclusiveMinimum") && s["exclusiveMinimum"].is_number()) {
            const double m = s["exclusiveMinimum"].get<double>();
            if (m >= r.lo) {
                r.lo = m;
                r.lo_open = true;
            }
        }
        if (s.contains("exclusiveMaximum") && s["exclusiveMaximum"].is_number()) {
            const double m = s["exclusiveMaximum"].get<double>();
            if (m <= r.hi) {
                r.hi = m;
                r.hi_open = true;
            }
        }
        return r;
    }

    // A window of about 100 inside [lo, hi], at 0 when it may be: readable numbers, even
    // for schemas bounded only by +-2^53 (zod's int()).
    static std::pair<double, double> window(double lo, double hi) {
        double wlo = std::clamp(0.0, lo, hi);
        double whi = std::min(hi, wlo + 100);
        if (whi - wlo < 100) wlo = std::max(lo, whi - 100);
        return {wlo, whi};
    }

    Error integer_value(const json& s, const std::string& path, json& out) {
        const Range r = range_of(s);
        double lo = r.lo_open ? std::floor(r.lo) + 1 : std::ceil(r.lo);
        double hi = r.hi_open ? std::ceil(r.hi) - 1 : std::floor(r.hi);
        lo = std::max(lo, -kMaxSafeInteger);
        hi = std::min(hi, kMaxSafeInteger);
        double step = 1;
        if (s.contains("multipleOf")) {
            step = s["multipleOf"].get<double>();
            if (std::floor(step) != step || step > kMaxSafeInteger) {
                return at(path,
                          "multipleOf " + number_text(step) + ": only whole numbers are supported");
            }
        }
        // Multiples k * step with k in [klo, khi].
        const double klo = std::ceil(lo / step);
        const double khi = std::floor(hi / step);
        if (!(klo <= khi)) {
            return at(path, "no integer satisfies the bounds " + describe(r) +
                                (step != 1 ? " and multipleOf " + number_text(step) : ""));
        }
        const auto [wlo, whi] = window(klo, khi);
        const auto k =
            static_cast<std::int64_t>(wlo) +
            static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(whi - wlo) + 1));
        const std::int64_t v = k * static_cast<std::int64_t>(step);
        // Rounding in lo / step may land one step outside at the edges of the safe range.
        if (static_cast<double>(v) < lo || static_cast<double>(v) > hi) {
            return at(path, "no integer satisfies the bounds " + describe(r));
        }
        out = v;
        return count(out);
    }

    static std::string describe(const Range& r) {
        std::string lo = std::isfinite(r.lo) ? number_text(r.lo) : "-inf";
        std::string hi = std::isfinite(r.hi) ? number_text(r.hi) : "inf";
        return std::string(r.lo_open ? "(" : "[") + lo + ", " + hi + (r.hi_open ? ")" : "]");
    }

    Error number_value(const json& s, const std::string& path, json& out) {
        if (s.contains("multipleOf")) return integer_value(s, path, out);
        const Range r = range_of(s);
        const auto inside = [&](double d) {
            return std::isfinite(d) && (r.lo_open ? d > r.lo : d >= r.lo) &&
                   (r.hi_open ? d < r.hi : d <= r.hi);
        };
        const double lo = std::max(r.lo, -1e300);
        const double hi = std::min(r.hi, 1e300);
        const auto [wlo, whi] = window(lo, hi);
        const double x = wlo + rng_.uniform() * (whi - wlo);
        // Two decimals when they fit, else the exact draw, else the middle of the range.
        for (const double d : {std::round(x * 100) / 100, x, lo / 2 + hi / 2}) {
            if (inside(d)) {
                out = d == 0 ? 0.0 : d;  // no "-0.0"
                return count(out);
            }
        }
        return at(path, "no number satisfies the bounds " + describe(r));
    }

    Error string_value(const json& s, const std::string& path, json& out) {
        const std::size_t min = s.value("minLength", std::uint64_t{0});
        const std::uint64_t max = s.value("maxLength", std::uint64_t{UINT64_MAX});
        if (min > max) return at(path, "minLength is greater than maxLength");
        if (min > kSchemaMaxLength) {
            return at(path, "minLength " + std::to_string(min) + " is more than the " +
                                std::to_string(kSchemaMaxLength) + " the mock generates");
        }
        std::string text;
        if (s.contains("format")) {
            text = formatted(s["format"].get<std::string>());
            if (text.size() < min || text.size() > max) {
                return at(path, "format '" + s["format"].get<std::string>() +
                                    "' does not fit minLength/maxLength");
            }
        } else {
            // Readable words from the mock's vocabulary (ASCII, so bytes are code points).
            text = phrase();
            while (text.size() < min) text += ", " + phrase();
            if (text.size() > max) {
                text.resize(max);
                while (text.size() > min && text.back() == ' ') text.pop_back();
            }
        }
        out = std::move(text);
        return count(out);
    }

    std::string phrase() {
        switch (rng_.below(4)) {
            case 0:
                return std::string(text::pick(rng_, text::kGenericDx));
            case 1:
                return std::string(text::pick(rng_, text::kTests));
            case 2:
                return std::string(text::pick(rng_, text::kQualities));
            default:
                return std::string(text::pick(rng_, text::kCourses));
        }
    }

    std::string word() {
        std::string w(text::pick(rng_, text::kCourses));
        std::replace(w.begin(), w.end(), ' ', '-');
        return w;
    }

    std::string formatted(const std::string& format) {
        char buf[64];
        const auto n = [&](std::uint64_t lo, std::uint64_t hi) {
            return static_cast<unsigned>(lo + rng_.below(hi - lo + 1));
        };
        if (format == "date" || format == "date-time") {
            std::snprintf(buf, sizeof buf, "20%02u-%02u-%02u", n(20, 29), n(1, 12), n(1, 28));
            if (format == "date") return buf;
            std::string date = buf;
            std::snprintf(buf, sizeof buf, "T%02u:%02u:%02uZ", n(0, 23), n(0, 59), n(0, 59));
            return date + buf;
        }
        if (format == "time") {
            std::snprintf(buf, sizeof buf, "%02u:%02u:%02uZ", n(0, 23), n(0, 59), n(0, 59));
            return buf;
        }
        if (format == "email") return word() + "@example.com";
        if (format == "uri") return "https://example.com/" + word();
        // uuid: version 4, variant 1.
        const std::uint64_t a = rng_.next(), b = rng_.next();
        std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx",
                      static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xFFFF),
                      static_cast<unsigned>(a & 0xFFF),
                      static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                      static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
        return buf;
    }

    Error array_value(const json& s, const std::string& path, int depth, bool minimal, json& out) {
        const std::uint64_t min = s.value("minItems", std::uint64_t{0});
        const std::uint64_t max = s.value("maxItems", std::uint64_t{UINT64_MAX});
        if (min > max) return at(path, "minItems is greater than maxItems");
        if (min > kSchemaMaxItems) {
            return at(path, "minItems " + std::to_string(min) + " is more than the " +
                                std::to_string(kSchemaMaxItems) + " the mock generates");
        }
        const std::uint64_t n =
            minimal ? min : std::clamp<std::uint64_t>(1 + rng_.below(3), min, max);
        const json& items = s.contains("items") ? s["items"] : json::object();
        out = json::array();
        if (items == json(false)) {  // no item is allowed: only an empty array
            if (min > 0) return at(child(path, "items"), "the schema false admits no value");
            return count(out);
        }
        for (std::uint64_t i = 0; i < n; ++i) {
            json item;
            if (auto err = value(items, child(path, "items"), depth + 1, minimal, item)) return err;
            out.push_back(std::move(item));
        }
        return count(out);
    }

    Error object_value(const json& s, const std::string& path, int depth, bool minimal, json& out) {
        const json& props = s.contains("properties") ? s["properties"] : json::object();
        const json& required = s.contains("required") ? s["required"] : json::array();
        const json& extra =
            s.contains("additionalProperties") ? s["additionalProperties"] : json(true);
        const auto is_required = [&](const std::string& name) {
            return std::find(required.begin(), required.end(), json(name)) != required.end();
        };
        out = json::object();
        for (const auto& [name, sub] : props.items()) {
            if (minimal && !is_required(name)) continue;
            json v;
            const auto where = child(child(path, "properties"), name);
            if (auto err = value(sub, where, depth + 1, minimal, v)) return err;
            out[name] = std::move(v);
        }
        // Required names that `properties` does not describe: additionalProperties does.
        for (const auto& r : required) {
            const auto name = r.get<std::string>();
            if (out.contains(name)) continue;
            if (extra == json(false)) {
                return at(path, "required property '" + name +
                                    "' is not in properties and additionalProperties is false");
            }
            json v;
            const auto where = child(path, "additionalProperties");
            if (auto err = value(extra, where, depth + 1, minimal, v)) return err;
            out[name] = std::move(v);
        }
        return count(out);
    }

    const json& root_;
    common::Rng rng_;
    std::size_t steps_ = 0, values_ = 0, string_bytes_ = 0;
    Error fatal_;  // a budget ran out: no branch may retry
};

}  // namespace

std::variant<nlohmann::json, std::string> value_for_schema(const nlohmann::json& schema,
                                                           std::uint64_t seed) {
    if (auto err = Checker(schema).check(schema, "", 0)) return *err;
    json out;
    if (auto err = Generator(schema, seed).value(schema, "", 0, false, out)) return *err;
    return out;
}

}  // namespace mock_ollama
