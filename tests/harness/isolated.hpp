#pragma once
// Runs a piece of code in a forked child with a time limit, so that a test of hostile input
// fails (instead of hanging the suite or crashing the test binary) when the code under test
// loops forever or overflows its stack.
#include <chrono>
#include <functional>
#include <string>

namespace harness_test {

struct Isolated {
    bool finished = false;  // the child returned within the limit
    int signal = 0;         // the signal that ended it (SIGSEGV: stack overflow), or 0
    std::string output;     // what `body` returned
};

// Forks; the child runs `body` and sends back its result. A child still running after
// `limit` is killed (finished false).
Isolated run_isolated(const std::function<std::string()>& body,
                      std::chrono::milliseconds limit = std::chrono::seconds(10));

}  // namespace harness_test
