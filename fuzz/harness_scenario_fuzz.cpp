// Bytes -> the scenario loader that `validate` and `run` use (parse_scenario, which starts
// with the JSON locator), and the locator's lookups on its own. The only exception allowed
// out is the loader's documented ScenarioError, which must name file:line:col; a hang, a
// crash or any other exception is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "harness/json_locator.hpp"
#include "harness/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto scenario = harness::parse_scenario(text, "fuzz.json");
        if (scenario.steps.empty() || scenario.checks.empty()) std::abort();  // documented
    } catch (const harness::ScenarioError& e) {
        // The place must be inside the text (or 1:1 for an empty one).
        if (e.line() == 0 || e.column() == 0) std::abort();
        if (std::string_view(e.what()).substr(0, 10) != "fuzz.json:") std::abort();
    }
    // The locator alone, as the reader uses it for its messages.
    const harness::JsonLocator locator(text);
    (void)locator.find("/steps/0/op", true);
    (void)locator.find("/name");
    (void)locator.at(size);
    return 0;
}
