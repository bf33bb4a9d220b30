#pragma once
// The mcp-server command line (CLI11): serve (default) and `generate-patients`.
namespace core {
int run_mcp_server(int argc, char** argv);
}  // namespace core
