#include "common/config_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace common {

nlohmann::json read_json_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument(file.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return nlohmann::json::parse(ss.str());
    } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number beyond double
        throw std::invalid_argument(file.string() + ": " + e.what());
    }
}

void apply_config_object(const std::filesystem::path& file, const nlohmann::json& doc,
                         const ConfigKeyFn& apply) {
    if (!doc.is_object()) throw std::invalid_argument(file.string() + ": expected a JSON object");
    for (const auto& [key, value] : doc.items()) {
        try {
            apply(key, value);
        } catch (const nlohmann::json::exception& e) {
            throw std::invalid_argument(file.string() + ": " + key + ": wrong type (" + e.what() +
                                        ")");
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(file.string() + ": " + key + ": " + e.what());
        }
    }
}

}  // namespace common
