#pragma once
// value_for_schema: a JSON value that a JSON Schema accepts, made up deterministically. It is
// how the mock answers `format` / `response_format` (structured output) and, for tool calls,
// fills in arguments from a tool's `parameters`. Real Ollama constrains the model's sampling
// with a grammar; the mock builds a valid value directly.
//
// The subset (docs/mock-ollama.md, "Structured output"): type (one or a list), properties,
// required, additionalProperties, enum, const, items, minItems/maxItems, minimum/maximum/
// exclusiveMinimum/exclusiveMaximum, multipleOf (whole numbers), minLength/maxLength, format
// (date-time, date, time, email, uuid, uri), anyOf, local $ref ("#", "#/$defs/...",
// "#/definitions/...", any "#/..." pointer), $defs/definitions; annotations are ignored. Every
// other keyword is refused, so a value is never produced for a constraint the mock ignored.
//
// Objects get every property in `properties` (required or not) and no others; below
// kSchemaMinimalDepth only the required ones, arrays their minItems and anyOf its simplest
// branch, so recursive schemas end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace mock_ollama {

// Bounds on the work one schema may cause; going past one is an error, not a truncated value.
inline constexpr int kSchemaMaxNesting = 64;             // schema objects inside one another
inline constexpr int kSchemaMinimalDepth = 16;           // from here on: required-only, minItems
inline constexpr int kSchemaMaxDepth = 48;               // subschemas entered while generating
inline constexpr std::size_t kSchemaMaxItems = 256;      // largest minItems honoured
inline constexpr std::size_t kSchemaMaxLength = 4096;    // largest minLength honoured
inline constexpr std::size_t kSchemaMaxValues = 10'000;  // values in the result
inline constexpr std::size_t kSchemaMaxStringBytes = 1 << 20;  // string bytes in the result
inline constexpr std::size_t kSchemaMaxSteps = 100'000;        // subschemas visited, retries too

// A JSON value that validates against `schema`, the same for the same (schema, seed); or the
// reason the schema is not supported, naming where ("properties.age: keyword 'pattern' is not
// supported").
std::variant<nlohmann::json, std::string> value_for_schema(const nlohmann::json& schema,
                                                           std::uint64_t seed);

}  // namespace mock_ollama
