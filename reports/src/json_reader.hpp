#pragma once
// The readers of report.json (json.cpp) and samples.jsonl (samples.cpp): typed access to the
// fields of a parsed object, each failure a std::invalid_argument naming the field.
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace reports {

using nlohmann::json;

// nlohmann holds a JSON integer as signed or unsigned (non-negative text reads as unsigned):
// whether it is one that fits an int64_t, the type the readers keep integers in.
inline bool fits_int64(const json& v) {
    return v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<std::int64_t>::max()});
}

// Reading an object: every accessor names the field by its path for the error message,
// "ORIGIN: PATH: WHAT" ("report.json: scenarios[0].name: missing", "samples.jsonl:3: client:
// missing"; no path, no "PATH: ").
class Reader {
  public:
    Reader(const json& j, std::string path, std::string origin = "report.json")
        : j_(j), path_(std::move(path)), origin_(std::move(origin)) {
        if (!j_.is_object()) raise(path_, "expected an object");
    }

    // report.json's errors, where no Reader is at hand.
    [[noreturn]] static void fail(const std::string& path, const std::string& what) {
        throw std::invalid_argument("report.json: " + path + ": " + what);
    }

    [[noreturn]] void raise(const std::string& path, const std::string& what) const {
        throw std::invalid_argument(origin_ + ": " + (path.empty() ? "" : path + ": ") + what);
    }

    std::string sub(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    const json& field(std::string_view key) const {
        const auto it = j_.find(key);
        if (it == j_.end()) raise(sub(key), "missing");
        return *it;
    }

    std::string str(std::string_view key) const {
        const json& v = field(key);
        if (!v.is_string()) raise(sub(key), "expected a string");
        return v.get<std::string>();
    }

    bool boolean(std::string_view key) const {
        const json& v = field(key);
        if (!v.is_boolean()) raise(sub(key), "expected true or false");
        return v.get<bool>();
    }

    double num(std::string_view key) const {
        const json& v = field(key);
        if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
        if (!v.is_number()) raise(sub(key), "expected a number");
        return v.get<double>();
    }

    std::size_t count(std::string_view key) const {
        const json& v = field(key);
        if (v.is_number_unsigned()) return v.get<std::size_t>();
        if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::size_t>();
        raise(sub(key), "expected a non-negative integer");
    }

    std::int64_t integer(std::string_view key) const {
        const json& v = field(key);
        if (!fits_int64(v)) raise(sub(key), "expected an integer");
        return v.get<std::int64_t>();
    }

    const json& array(std::string_view key) const {
        const json& v = field(key);
        if (!v.is_array()) raise(sub(key), "expected an array");
        return v;
    }

    std::string item(std::string_view key, std::size_t i) const {
        return sub(key) + "[" + std::to_string(i) + "]";
    }

    // Each element of the array `key`, read by from(element, its path).
    template <class From>
    auto list(std::string_view key, From from) const {
        const json& a = array(key);
        std::vector<std::invoke_result_t<From, const json&, const std::string&>> out;
        out.reserve(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) out.push_back(from(a[i], item(key, i)));
        return out;
    }

    std::vector<std::string> strings(std::string_view key) const {
        return list(key, [this](const json& v, const std::string& path) {
            if (!v.is_string()) raise(path, "expected a string");
            return v.get<std::string>();
        });
    }

  private:
    const json& j_;
    std::string path_;
    std::string origin_;
};

}  // namespace reports
