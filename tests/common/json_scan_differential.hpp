#pragma once
// The differential property of common::scan_flat_object against nlohmann::json, shared by
// the unit test (random mutations) and the fuzzer (common_ndjson_fuzz): whenever the scanner
// accepts a text, the full parser accepts it too and reads the same members with the same
// values. The scanner may decline anything; callers then fall back to the full parser.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_scan.hpp"

namespace json_scan_test {

struct Comparison {
    bool accepted = false;     // the scanner accepted the text
    std::string disagreement;  // empty when the two agree; else what differs
};

// For messages: never throws, whatever bytes the strings hold.
inline std::string shown(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline Comparison compare_with_full_parser(std::string_view text) {
    using common::FlatMember;
    using nlohmann::json;
    Comparison out;
    std::vector<FlatMember> members;
    out.accepted = common::scan_flat_object(text, members);
    if (!out.accepted) return out;
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        out.disagreement = "the scanner accepted what the full parser rejects";
        return out;
    }
    if (!j.is_object()) {
        out.disagreement = "the scanner accepted a non-object: " + shown(j);
        return out;
    }
    // Built like the full parser builds it: a later duplicate key replaces an earlier one.
    json rebuilt = json::object();
    for (const auto& m : members) {
        auto& slot = rebuilt[std::string(m.key)];
        switch (m.kind) {
            case FlatMember::Kind::string: {
                std::string decoded;
                if (!common::json_unescape(m.raw, decoded)) {
                    out.disagreement = "accepted string does not unescape: " + std::string(m.raw);
                    return out;
                }
                slot = std::move(decoded);
                break;
            }
            case FlatMember::Kind::boolean:
                slot = m.boolean;
                break;
            case FlatMember::Kind::null:
                slot = nullptr;
                break;
            case FlatMember::Kind::number: {
                auto number = json::parse(m.raw, nullptr, false);
                if (number.is_discarded() || !number.is_number()) {
                    out.disagreement =
                        "accepted number the full parser rejects: " + std::string(m.raw);
                    return out;
                }
                slot = std::move(number);
                break;
            }
        }
    }
    if (rebuilt != j) {
        out.disagreement =
            "different values: scanner " + shown(rebuilt) + ", full parser " + shown(j);
    }
    return out;
}

}  // namespace json_scan_test
