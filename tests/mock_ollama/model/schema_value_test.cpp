#include "model/schema_value.hpp"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schema_validate.hpp"

namespace mock_ollama {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json value_or_fail(const json& schema, std::uint64_t seed) {
    auto r = value_for_schema(schema, seed);
    if (auto* err = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << "schema refused: " << *err << "\n" << schema.dump();
        return nullptr;
    }
    return std::get<json>(r);
}

std::string error_of(const json& schema, std::uint64_t seed = 1) {
    auto r = value_for_schema(schema, seed);
    if (auto* err = std::get_if<std::string>(&r)) return *err;
    ADD_FAILURE() << "schema accepted, value " << std::get<json>(r).dump();
    return "";
}

// Every seed's value passes the independent validator.
void expect_valid_for_many_seeds(const json& schema, int seeds = 200) {
    test_support::SchemaValidator validator(schema);
    for (int seed = 0; seed < seeds; ++seed) {
        const json v = value_or_fail(schema, static_cast<std::uint64_t>(seed));
        const auto why = validator.validate(v, schema);
        ASSERT_FALSE(why) << *why << "\nvalue " << v.dump() << "\nschema " << schema.dump();
    }
}

// Schemas like those the clients send: zod via LangChain, pydantic, OpenAI strict mode.
const json kPerson = json::parse(R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Person", "description": "someone", "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 2, "maxLength": 30, "description": "full name"},
    "age": {"type": "integer", "minimum": 18, "maximum": 65},
    "score": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]},
             "minItems": 2, "maxItems": 4},
    "nickname": {"type": ["string", "null"]},
    "address": {"type": "object", "additionalProperties": false, "required": ["city"],
                "properties": {"city": {"type": "string"}, "zip": {"type": "string", "maxLength": 5}}},
    "kind": {"const": "person"},
    "active": {"type": "boolean"},
    "nothing": {"type": "null"}
  },
  "required": ["name", "age"],
  "additionalProperties": false
})");

TEST(SchemaValue, PersonSchemaValidatesForEverySeed) {
    expect_valid_for_many_seeds(kPerson);
}

TEST(SchemaValue, SameSeedSameValueOtherSeedsVary) {
    EXPECT_EQ(value_or_fail(kPerson, 7), value_or_fail(kPerson, 7));
    std::set<std::string> seen;
    for (std::uint64_t seed = 0; seed < 20; ++seed)
        seen.insert(value_or_fail(kPerson, seed).dump());
    EXPECT_GT(seen.size(), 15u);
}

TEST(SchemaValue, GeneratesEveryPropertyNotOnlyRequiredOnes) {
    const json v = value_or_fail(kPerson, 3);
    for (const auto& [name, _] : kPerson["properties"].items())
        EXPECT_TRUE(v.contains(name)) << name;
    EXPECT_EQ(v.size(), kPerson["properties"].size());
}

TEST(SchemaValue, IntegerBoundsAreHonoured) {
    std::set<std::int64_t> seen;
    const json s = {{"type", "integer"}, {"minimum", 18}, {"maximum", 20}};
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
        const json v = value_or_fail(s, seed);
        ASSERT_TRUE(v.is_number_integer()) << v.dump();
        seen.insert(v.get<std::int64_t>());
    }
    EXPECT_EQ(seen, (std::set<std::int64_t>{18, 19, 20}));
}

TEST(SchemaValue, ExclusiveBoundsBothDraftsAndMultipleOf) {
    expect_valid_for_many_seeds(
        {{"type", "integer"}, {"exclusiveMinimum", 1}, {"exclusiveMaximum", 3}});
    EXPECT_EQ(
        value_or_fail({{"type", "integer"}, {"exclusiveMinimum", 1}, {"exclusiveMaximum", 3}}, 9),
        2);
    // Draft 4: booleans beside minimum/maximum.
    const json d4 = {{"type", "integer"},
                     {"minimum", 4},
                     {"exclusiveMinimum", true},
                     {"maximum", 6},
                     {"exclusiveMaximum", true}};
    EXPECT_EQ(value_or_fail(d4, 1), 5);
    expect_valid_for_many_seeds(
        {{"type", "integer"}, {"multipleOf", 7}, {"minimum", 10}, {"maximum", 40}});
    expect_valid_for_many_seeds({{"type", "number"}, {"minimum", 0.001}, {"maximum", 0.002}});
    expect_valid_for_many_seeds(
        {{"type", "number"}, {"exclusiveMinimum", -1}, {"exclusiveMaximum", -0.99}});
    expect_valid_for_many_seeds({{"type", "number"}, {"multipleOf", 5}});
    // zod's int(): bounded by +-2^53, still small readable numbers.
    const json zod_int = {
        {"type", "integer"}, {"minimum", -9007199254740991}, {"maximum", 9007199254740991}};
    const json v = value_or_fail(zod_int, 4);
    EXPECT_LE(std::abs(v.get<std::int64_t>()), 100);
}

TEST(SchemaValue, StringsAreWordsWithinTheirLengths) {
    const json s = {{"type", "string"}, {"minLength", 40}, {"maxLength", 45}};
    expect_valid_for_many_seeds(s);
    const auto text = value_or_fail(s, 2).get<std::string>();
    EXPECT_THAT(text, ::testing::MatchesRegex("[a-zA-Z0-9 ,-]+"));
    expect_valid_for_many_seeds({{"type", "string"}, {"maxLength", 0}});
    expect_valid_for_many_seeds({{"type", "string"}, {"minLength", 4096}});
}

TEST(SchemaValue, StringFormats) {
    for (const char* f : {"date-time", "date", "time", "email", "uuid", "uri"}) {
        expect_valid_for_many_seeds({{"type", "string"}, {"format", f}}, 50);
    }
    EXPECT_THAT(error_of({{"type", "string"}, {"format", "date"}, {"maxLength", 5}}),
                HasSubstr("format 'date' does not fit"));
}

TEST(SchemaValue, TypeListsEnumsConstAndTypelessSchemas) {
    std::set<std::string> kinds;
    const json nullable = {{"type", json::array({"string", "null"})}};
    for (std::uint64_t seed = 0; seed < 50; ++seed)
        kinds.insert(value_or_fail(nullable, seed).type_name());
    EXPECT_EQ(kinds, (std::set<std::string>{"null", "string"}));
    expect_valid_for_many_seeds({{"enum", json::array({"red", 2, nullptr, json::object()})}});
    // Only the members the other keywords allow.
    const json typed_enum = {{"type", "string"}, {"enum", json::array({1, "x", 2})}};
    EXPECT_EQ(value_or_fail(typed_enum, 5), "x");
    EXPECT_EQ(value_or_fail({{"const", json{{"a", 1}}}}, 1), (json{{"a", 1}}));
    expect_valid_for_many_seeds(json::object());
    expect_valid_for_many_seeds(true);
    expect_valid_for_many_seeds({{"properties", {{"x", {{"minimum", 3}}}}}});
}

TEST(SchemaValue, OpenApiNullableIsAcceptedAndNeverNeeded) {
    // The openai npm helper's zodResponseFormat writes it for zod's .nullable().
    const json s = {{"type", "string"}, {"nullable", true}};
    for (std::uint64_t seed = 0; seed < 20; ++seed) EXPECT_TRUE(value_or_fail(s, seed).is_string());
}

TEST(SchemaValue, ArraysHonourMinAndMaxItems) {
    const json s = {
        {"type", "array"}, {"items", {{"type", "integer"}}}, {"minItems", 5}, {"maxItems", 7}};
    expect_valid_for_many_seeds(s);
    EXPECT_EQ(value_or_fail({{"type", "array"}, {"items", false}}, 1), json::array());
    expect_valid_for_many_seeds(
        {{"type", "array"}, {"minItems", 256}, {"items", {{"type", "boolean"}}}});
}

TEST(SchemaValue, RequiredPropertiesOutsidePropertiesComeFromAdditionalProperties) {
    const json s = {
        {"type", "object"}, {"required", {"x"}}, {"additionalProperties", {{"type", "integer"}}}};
    expect_valid_for_many_seeds(s);
    EXPECT_TRUE(value_or_fail(s, 1)["x"].is_number_integer());
    EXPECT_EQ(error_of({{"type", "object"}, {"required", {"x"}}, {"additionalProperties", false}}),
              "required property 'x' is not in properties and additionalProperties is false");
}

TEST(SchemaValue, AnyOfDefsAndRefs) {
    const json s = json::parse(R"({
      "$defs": {"Pet": {"type": "object", "required": ["kind"],
                        "properties": {"kind": {"enum": ["cat", "dog"]}}}},
      "definitions": {"Id": {"type": "integer", "minimum": 1}},
      "type": "object",
      "properties": {
        "pet": {"$ref": "#/$defs/Pet", "description": "annotations beside $ref are fine"},
        "id": {"$ref": "#/definitions/Id"},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer", "maximum": -5}, {"type": "null"}]},
        "again": {"$ref": "#/properties/id"}
      }
    })");
    expect_valid_for_many_seeds(s);
    std::set<std::string> branches;
    for (std::uint64_t seed = 0; seed < 60; ++seed) {
        branches.insert(value_or_fail(s, seed)["either"].type_name());
    }
    EXPECT_EQ(branches.size(), 3u) << "every anyOf branch is taken for some seed";
}

TEST(SchemaValue, RecursiveSchemasTerminate) {
    const json tree = json::parse(R"({
      "$ref": "#/$defs/Node",
      "$defs": {"Node": {"type": "object", "required": ["value"], "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
        "parent": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}}}}
    })");
    expect_valid_for_many_seeds(tree, 20);
    // Recursion through the root, as zod-to-json-schema writes it.
    const json list = json::parse(R"({"type": "object", "properties": {
        "next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}, "v": {"type": "string"}}})");
    expect_valid_for_many_seeds(list, 50);
}

TEST(SchemaValue, UnsupportedKeywordsAreNamedWithTheirPlace) {
    EXPECT_EQ(error_of({{"type", "object"},
                        {"properties", {{"age", {{"type", "string"}, {"pattern", "^a"}}}}}}),
              "properties.age: keyword 'pattern' is not supported");
    EXPECT_EQ(error_of({{"oneOf", json::array({json::object()})}}),
              "keyword 'oneOf' is not supported");
    for (const char* k : {"allOf", "not", "if", "then", "else", "patternProperties", "uniqueItems",
                          "minProperties", "contains", "prefixItems", "dependentRequired"}) {
        EXPECT_EQ(error_of({{"items", {{k, true}}}}),
                  std::string("items: keyword '") + k + "' is not supported");
    }
    EXPECT_EQ(error_of({{"items", json::array({json::object()})}}),
              "keyword 'items' as an array (a tuple) is not supported");
    EXPECT_EQ(error_of({{"type", "string"}, {"format", "ipv4"}}), "format 'ipv4' is not supported");
    EXPECT_EQ(error_of({{"anyOf", json::array({json::object()})}, {"type", "string"}}),
              "keyword 'type' beside 'anyOf' is not supported");
    // An unsupported keyword is refused even in an anyOf branch the seed would not take.
    const json hidden = {{"anyOf", json::array({{{"type", "null"}}, {{"not", json::object()}}})}};
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
        EXPECT_EQ(error_of(hidden, seed), "anyOf[1]: keyword 'not' is not supported");
    }
    // enum and const take their members as given: nothing may reach into them.
    EXPECT_EQ(error_of({{"enum", {json{{"a", 1}}}}, {"properties", {{"a", {{"type", "string"}}}}}}),
              "keyword 'properties' beside 'enum' is not supported");
    EXPECT_EQ(error_of({{"const", 1}, {"enum", {1, 2}}}),
              "keyword 'enum' beside 'const' is not supported");
    EXPECT_THAT(error_of({{"$defs", {{"a", {{"format", "hostname"}}}}}}),
                HasSubstr("$defs.a: format 'hostname'"));
}

TEST(SchemaValue, MalformedSchemasAreRefused) {
    EXPECT_EQ(error_of(json::array()), "a schema must be an object or a boolean");
    EXPECT_EQ(error_of(42), "a schema must be an object or a boolean");
    EXPECT_THAT(error_of({{"type", "text"}}), HasSubstr("type must be one of"));
    EXPECT_THAT(error_of({{"type", json::array()}}), HasSubstr("type must be one of"));
    EXPECT_EQ(error_of({{"required", "x"}}), "required must be an array of strings");
    EXPECT_EQ(error_of({{"minLength", -1}}), "minLength must be a non-negative integer");
    EXPECT_EQ(error_of({{"maxItems", 1.5}}), "maxItems must be a non-negative integer");
    EXPECT_EQ(error_of({{"minimum", "3"}}), "minimum must be a number");
    EXPECT_EQ(error_of({{"multipleOf", 0}}), "multipleOf must be greater than 0");
    EXPECT_EQ(error_of({{"enum", json::array()}}), "enum must be a non-empty array");
    EXPECT_EQ(error_of({{"properties", {{"a", "b"}}}}),
              "properties.a: a schema must be an object or a boolean");
    EXPECT_THAT(error_of({{"$ref", "https://example.com/s.json"}}),
                HasSubstr("only local references"));
    EXPECT_THAT(error_of({{"$ref", "#/$defs/missing"}}), HasSubstr("does not point to a schema"));
    EXPECT_THAT(error_of({{"$ref", "#/$defs/x/~2"}, {"$defs", {{"x", true}}}}),
                HasSubstr("does not point"));
    EXPECT_THAT(error_of({{"$ref", "#/enum/0"}, {"enum", {1}}}),
                HasSubstr("does not point to a schema"));
    EXPECT_EQ(error_of(false), "the schema false admits no value");
}

TEST(SchemaValue, UnsatisfiableSchemasAreRefused) {
    EXPECT_THAT(error_of({{"type", "integer"}, {"minimum", 10}, {"maximum", 5}}),
                HasSubstr("no integer satisfies the bounds [10, 5]"));
    EXPECT_THAT(error_of({{"type", "integer"}, {"minimum", 1.2}, {"maximum", 1.8}}),
                HasSubstr("no integer"));
    EXPECT_THAT(error_of({{"type", "integer"}, {"multipleOf", 10}, {"minimum", 1}, {"maximum", 9}}),
                HasSubstr("multipleOf 10"));
    EXPECT_THAT(error_of({{"type", "integer"}, {"multipleOf", 0.5}}),
                HasSubstr("only whole numbers"));
    EXPECT_THAT(error_of({{"type", "number"}, {"exclusiveMinimum", 1}, {"exclusiveMaximum", 1}}),
                HasSubstr("no number satisfies the bounds (1, 1)"));
    EXPECT_EQ(error_of({{"type", "string"}, {"minLength", 3}, {"maxLength", 2}}),
              "minLength is greater than maxLength");
    EXPECT_EQ(error_of({{"type", "array"}, {"minItems", 3}, {"maxItems", 2}}),
              "minItems is greater than maxItems");
    EXPECT_THAT(error_of({{"type", "array"}, {"items", false}, {"minItems", 1}}),
                HasSubstr("items: the schema false"));
    EXPECT_THAT(error_of({{"type", "string"}, {"enum", {1, 2}}}),
                HasSubstr("no enum value satisfies"));
    EXPECT_THAT(error_of({{"type", "string"}, {"const", 1}}), HasSubstr("const does not satisfy"));
}

TEST(SchemaValue, HostileSchemasHitABoundNotTheMemory) {
    EXPECT_THAT(error_of({{"type", "string"}, {"minLength", 4097}}),
                HasSubstr("more than the 4096"));
    EXPECT_THAT(error_of({{"type", "array"}, {"minItems", 257}}), HasSubstr("more than the 256"));
    // 256^3 values.
    const json cube = {{"type", "array"},
                       {"minItems", 256},
                       {"items",
                        {{"type", "array"},
                         {"minItems", 256},
                         {"items", {{"type", "array"}, {"minItems", 256}}}}}};
    EXPECT_THAT(error_of(cube), HasSubstr("more than 10000 values"));
    // 300 strings of 4096 bytes.
    const json wide = {
        {"type", "array"}, {"minItems", 256}, {"items", {{"type", "string"}, {"minLength", 4096}}}};
    EXPECT_THAT(error_of(wide), HasSubstr("exceed 1048576 bytes"));
    // A reference to itself, and a required child that must always recurse.
    EXPECT_THAT(error_of({{"$ref", "#/$defs/a"}, {"$defs", {{"a", {{"$ref", "#/$defs/a"}}}}}}),
                HasSubstr("a $ref that always recurses"));
    const json forever = json::parse(R"({"$defs": {"N": {"type": "object", "required": ["c"],
        "properties": {"c": {"$ref": "#/$defs/N"}}}}, "$ref": "#/$defs/N"})");
    EXPECT_THAT(error_of(forever), HasSubstr("a $ref that always recurses"));
    // anyOf branches that all recurse: exponential unless the step budget stops it.
    const json branches = json::parse(R"({"$defs": {"N": {"anyOf": [
        {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/N"}},
        {"type": "array", "minItems": 2, "items": {"$ref": "#/$defs/N"}},
        {"type": "array", "minItems": 3, "items": {"$ref": "#/$defs/N"}}]}}, "$ref": "#/$defs/N"})");
    EXPECT_THAT(error_of(branches),
                ::testing::AnyOf(HasSubstr("too much work"), HasSubstr("values")));
    // Schemas nested past the limit.
    json deep = json::object();
    for (int i = 0; i < 100; ++i) deep = {{"items", deep}};
    EXPECT_THAT(error_of(deep), HasSubstr("nested deeper than 64"));
}

}  // namespace
}  // namespace mock_ollama
