#pragma once
// A small JSON Schema validator for the keywords value_for_schema supports, written apart from
// the generator (no shared code) so the unit tests and the fuzz target
// (fuzz/mock_schema_value_fuzz.cpp) check its values independently. Returns why `value` fails
// `schema`, or nothing when it passes.
#include <cctype>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mock_ollama::test_support {

class SchemaValidator {
  public:
    explicit SchemaValidator(const nlohmann::json& root) : root_(root) {}

    std::optional<std::string> validate(const nlohmann::json& v, const nlohmann::json& s,
                                        const std::string& where = "value", int hops = 0) {
        using nlohmann::json;
        if (hops > 200) return where + ": $ref chain too deep for the validator";
        if (s.is_boolean()) {
            if (s.get<bool>()) return std::nullopt;
            return where + ": schema false";
        }
        if (s.contains("$ref")) {
            const auto ref = s["$ref"].get<std::string>();
            const json& target = ref == "#" ? root_ : root_.at(json::json_pointer(ref.substr(1)));
            if (auto e = validate(v, target, where, hops + 1)) return e;
        }
        if (s.contains("anyOf")) {
            bool one = false;
            for (const auto& b : s["anyOf"]) one = one || !validate(v, b, where, hops + 1);
            if (!one) return where + ": matches no anyOf branch";
        }
        if (s.contains("const") && v != s["const"]) return where + ": not the const";
        if (s.contains("enum")) {
            bool in = false;
            for (const auto& e : s["enum"]) in = in || e == v;
            if (!in) return where + ": not in enum";
        }
        if (s.contains("type")) {
            const json& t = s["type"];
            bool ok = false;
            if (t.is_string()) ok = is(v, t.get<std::string>());
            for (const auto& one : t.is_array() ? t : json::array()) {
                ok = ok || is(v, one.get<std::string>());
            }
            if (!ok) return where + ": wrong type " + std::string(v.type_name());
        }
        if (v.is_number()) {
            if (auto e = number(v.get<double>(), s, where)) return e;
        }
        if (v.is_string()) {
            const auto n = code_points(v.get<std::string>());
            if (s.contains("minLength") && n < s["minLength"].get<std::size_t>())
                return where + ": shorter than minLength";
            if (s.contains("maxLength") && n > s["maxLength"].get<std::size_t>())
                return where + ": longer than maxLength";
            if (s.contains("format") && !format_ok(v.get<std::string>(), s["format"]))
                return where + ": not a " + s["format"].get<std::string>();
        }
        if (v.is_array()) {
            if (s.contains("minItems") && v.size() < s["minItems"].get<std::size_t>())
                return where + ": fewer than minItems";
            if (s.contains("maxItems") && v.size() > s["maxItems"].get<std::size_t>())
                return where + ": more than maxItems";
            if (s.contains("items")) {
                for (std::size_t i = 0; i < v.size(); ++i) {
                    auto e =
                        validate(v[i], s["items"], where + "[" + std::to_string(i) + "]", hops + 1);
                    if (e) return e;
                }
            }
        }
        if (v.is_object()) {
            for (const auto& r : s.value("required", json::array())) {
                if (!v.contains(r.get<std::string>()))
                    return where + ": missing required " + r.get<std::string>();
            }
            const json props = s.value("properties", json::object());
            for (const auto& [k, item] : v.items()) {
                const auto at = where + "." + k;
                if (props.contains(k)) {
                    if (auto e = validate(item, props[k], at, hops + 1)) return e;
                } else if (s.contains("additionalProperties")) {
                    if (auto e = validate(item, s["additionalProperties"], at, hops + 1)) return e;
                }
            }
        }
        return std::nullopt;
    }

  private:
    static bool is(const nlohmann::json& v, const std::string& t) {
        if (t == "integer") {
            return v.is_number_integer() ||
                   (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>());
        }
        if (t == "number") return v.is_number();
        if (t == "string") return v.is_string();
        if (t == "boolean") return v.is_boolean();
        if (t == "null") return v.is_null();
        if (t == "array") return v.is_array();
        if (t == "object") return v.is_object();
        return false;
    }

    static std::optional<std::string> number(double d, const nlohmann::json& s,
                                             const std::string& where) {
        const auto flag = [&](const char* k) {
            return s.contains(k) && s[k].is_boolean() && s[k].get<bool>();
        };
        if (s.contains("minimum")) {
            const double m = s["minimum"].get<double>();
            if (flag("exclusiveMinimum") ? !(d > m) : !(d >= m)) return where + ": below minimum";
        }
        if (s.contains("maximum")) {
            const double m = s["maximum"].get<double>();
            if (flag("exclusiveMaximum") ? !(d < m) : !(d <= m)) return where + ": above maximum";
        }
        if (s.contains("exclusiveMinimum") && s["exclusiveMinimum"].is_number() &&
            !(d > s["exclusiveMinimum"].get<double>()))
            return where + ": not above exclusiveMinimum";
        if (s.contains("exclusiveMaximum") && s["exclusiveMaximum"].is_number() &&
            !(d < s["exclusiveMaximum"].get<double>()))
            return where + ": not below exclusiveMaximum";
        if (s.contains("multipleOf")) {
            const double q = d / s["multipleOf"].get<double>();
            if (std::trunc(q) != q) return where + ": not a multipleOf";
        }
        return std::nullopt;
    }

    static std::size_t code_points(const std::string& s) {
        std::size_t n = 0;
        for (const unsigned char c : s) n += (c & 0xC0) != 0x80;
        return n;
    }

    static bool digits(const std::string& s, std::size_t from, std::size_t count) {
        for (std::size_t i = from; i < from + count; ++i) {
            if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        }
        return true;
    }

    // Shape checks only, as a format validator would make them.
    static bool format_ok(const std::string& s, const nlohmann::json& format) {
        const auto f = format.get<std::string>();
        const auto date = [&](std::size_t at) {
            return digits(s, at, 4) && s[at + 4] == '-' && digits(s, at + 5, 2) &&
                   s[at + 7] == '-' && digits(s, at + 8, 2);
        };
        const auto time = [&](std::size_t at) {
            return digits(s, at, 2) && s[at + 2] == ':' && digits(s, at + 3, 2) &&
                   s[at + 5] == ':' && digits(s, at + 6, 2) && s[at + 8] == 'Z';
        };
        if (f == "date") return s.size() == 10 && date(0);
        if (f == "time") return s.size() == 9 && time(0);
        if (f == "date-time") return s.size() == 20 && date(0) && s[10] == 'T' && time(11);
        if (f == "email") {
            const auto at = s.find('@');
            return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos;
        }
        if (f == "uri") return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
        if (f == "uuid") {
            if (s.size() != 36) return false;
            for (std::size_t i = 0; i < 36; ++i) {
                const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash != (s[i] == '-')) return false;
                if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
            }
            return true;
        }
        return false;
    }

    const nlohmann::json& root_;
};

}  // namespace mock_ollama::test_support
