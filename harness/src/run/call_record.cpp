#include "harness/call_record.hpp"

namespace harness {

bool CallRecord::ok() const {
    if (!responded() || !error.empty() || !response.is_object()) return false;
    const auto result = response.find("result");
    if (result == response.end() || response.contains("error")) return false;
    return !(result->is_object() && result->value("isError", false));
}

std::string CallRecord::failure() const {
    if (!error.empty()) return error;
    if (!responded()) return "no response";
    if (const auto e = response.find("error"); e != response.end()) return e->dump();
    if (!ok()) return "tool error: " + result_text();
    return {};
}

std::string CallRecord::result_text() const {
    std::string out;
    if (!response.is_object()) return out;
    const auto result = response.find("result");
    if (result == response.end() || !result->is_object()) return out;
    const auto content = result->find("content");
    if (content == result->end() || !content->is_array()) return out;
    for (const auto& item : *content) {
        if (item.is_object() && item.value("type", "") == "text") {
            const auto t = item.find("text");
            if (t != item.end() && t->is_string()) out += t->get<std::string>();
        }
    }
    return out;
}

std::string CallRecord::streamed_text() const {
    std::string out;
    for (const auto& t : tokens) out += t.text;
    return out;
}

}  // namespace harness
