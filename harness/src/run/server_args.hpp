#pragma once
// The command line of the mcp-server a run launches. The scenario's "server" block goes to the
// server as its JSON config file, with the server's own key names; the settings the harness
// decides itself go as flags, which win over the file.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/scenario.hpp"

namespace harness {

// The server settings the harness decides for the server it launches (where it listens, its
// data folder, its Ollama, the run's time scale and log level). A scenario may not set them.
const std::vector<std::string>& harness_server_settings();

// Writes the scenario's validated "server" block as the server's config file `file`; throws
// std::runtime_error when it cannot.
void write_server_config(const ServerSettings& settings, const std::filesystem::path& file);

// "--config FILE" and a flag for each of harness_server_settings().
std::vector<std::string> server_args(const std::filesystem::path& config_file,
                                     const std::filesystem::path& data_dir,
                                     const std::string& ollama_url, double time_scale);

}  // namespace harness
