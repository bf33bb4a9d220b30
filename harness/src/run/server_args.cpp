#include "run/server_args.hpp"

#include <fstream>
#include <stdexcept>
#include <utility>

#include "core/server_settings.hpp"
#include "run/cli_number.hpp"

namespace harness {

namespace {

// The harness's own settings and their values: the one list of them.
std::vector<std::pair<std::string, std::string>> harness_values(
    const std::filesystem::path& data_dir, const std::string& ollama_url, double time_scale) {
    return {{"host", "127.0.0.1"},
            {"port", "0"},
            {"data_dir", data_dir.string()},
            {"ollama_url", ollama_url},
            {"time_scale", cli_number(time_scale)},
            {"log_level", "info"}};
}

}  // namespace

const std::vector<std::string>& harness_server_settings() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& kv : harness_values({}, "", 1)) out.push_back(kv.first);
        return out;
    }();
    return names;
}

void write_server_config(const ServerSettings& settings, const std::filesystem::path& file) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << settings.config.dump(2) << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

std::vector<std::string> server_args(const std::filesystem::path& config_file,
                                     const std::filesystem::path& data_dir,
                                     const std::string& ollama_url, double time_scale) {
    std::vector<std::string> args = {"--config", config_file.string()};
    for (const auto& [name, value] : harness_values(data_dir, ollama_url, time_scale)) {
        args.push_back(core::find_server_setting(name)->flag());
        args.push_back(value);
    }
    return args;
}

}  // namespace harness
