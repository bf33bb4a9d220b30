// mock-ollama's value_for_schema (model/schema_value.hpp): any input as a JSON Schema, any
// seed. The answer is an error text or a value; a value must pass the unit tests' independent
// validator (tests/mock_ollama/model/schema_validate.hpp), be the same for the same seed, and
// serialise. Budgets bound the work, so a slow input is a bug here too.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "model/schema_value.hpp"
#include "schema_validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto seed = in.ConsumeIntegral<std::uint64_t>();  // from the end of the input
    const std::string text = in.ConsumeRemainingBytesAsString();
    const auto schema = nlohmann::json::parse(text, nullptr, false);
    if (schema.is_discarded()) return 0;

    const auto made = mock_ollama::value_for_schema(schema, seed);
    if (const auto* err = std::get_if<std::string>(&made)) {
        if (err->empty()) {
            std::fprintf(stderr, "an empty error text\n");
            std::abort();
        }
        return 0;
    }
    const auto& value = std::get<nlohmann::json>(made);
    mock_ollama::test_support::SchemaValidator validator(schema);
    if (const auto why = validator.validate(value, schema)) {
        std::fprintf(stderr, "invalid value: %s\nvalue: %s\n", why->c_str(),
                     value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        std::abort();
    }
    if (mock_ollama::value_for_schema(schema, seed) != made) {
        std::fprintf(stderr, "another value for the same seed\n");
        std::abort();
    }
    (void)value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);  // valid UTF-8
    return 0;
}
