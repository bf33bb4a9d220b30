#include "mock_ollama/cli.hpp"

int main(int argc, char** argv) {
    return mock_ollama::run_mock_ollama(argc, argv);
}
