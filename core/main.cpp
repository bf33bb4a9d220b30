#include "core/server_cli.hpp"

int main(int argc, char** argv) {
    return core::run_mcp_server(argc, argv);
}
