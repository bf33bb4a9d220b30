#include "harness/cli.hpp"

int main(int argc, char** argv) {
    return harness::run_mcp_harness(argc, argv);
}
