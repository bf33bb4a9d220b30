#pragma once
// The mcp-harness command line (CLI11): run, list, validate, report.
namespace harness {
int run_mcp_harness(int argc, char** argv);
}  // namespace harness
