#pragma once
// The command line of the mcp-server a run launches: where its data and its Ollama are, the
// run's time scale, and the scenario's "server" settings.
#include <filesystem>
#include <string>
#include <vector>

#include "harness/scenario.hpp"

namespace harness {

std::vector<std::string> server_args(const ServerSettings& settings,
                                     const std::filesystem::path& data_dir,
                                     const std::string& ollama_url, double time_scale);

}  // namespace harness
