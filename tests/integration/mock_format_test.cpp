// Structured output over loopback: Ollama's `format` on /api/generate and /api/chat, OpenAI's
// `response_format` on /v1/chat/completions. The streamed tokens concatenate to JSON that
// validates against the request's schema (checked by the unit tests' independent validator);
// bad values and unsupported schemas are 400s in each API's shape, and the process serves on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../mock_ollama/model/schema_validate.hpp"
#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kPatient = json::parse(R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 3},
    "age": {"type": "integer", "minimum": 18, "maximum": 90},
    "stage": {"type": "integer", "minimum": 1, "maximum": 4},
    "conditions": {"type": "array", "items": {"$ref": "#/$defs/condition"},
                   "minItems": 1, "maxItems": 3},
    "severity": {"enum": ["low", "medium", "high"]},
    "follow_up": {"type": ["string", "null"], "format": "date"}
  },
  "required": ["name", "age", "stage", "conditions", "severity"],
  "additionalProperties": false,
  "$defs": {"condition": {"type": "object", "required": ["code", "chronic"],
                          "properties": {"code": {"type": "string", "maxLength": 12},
                                         "chronic": {"type": "boolean"}}}}
})");

// The tokens of a streamed Ollama answer, and their text.
struct Answer {
    Response response;
    std::vector<std::string> tokens;
    json last;  // the final chunk
    std::string text() const {
        std::string s;
        for (const auto& t : tokens) s += t;
        return s;
    }
};

Answer ollama(HttpClient& http, std::string_view path, const json& body) {
    Answer a;
    a.response = http.post(path, body);
    const bool chat = path == "/api/chat";
    for (const auto& o : parse_records(a.response.lines())) {
        if (o.is_discarded()) continue;
        a.last = o;
        if (o.value("done", false)) break;
        a.tokens.push_back(chat ? o["message"]["content"] : o["response"]);
    }
    return a;
}

// The SSE deltas' contents of a streamed /v1 answer.
std::string openai_streamed_text(const Response& r) {
    std::string text;
    for (const auto& frame : r.records("\n\n")) {
        if (!frame.text.starts_with("data: {")) continue;
        const json c = json::parse(frame.text.substr(6));
        const json& delta = c["choices"][0]["delta"];
        if (delta.contains("content") && delta["content"].is_string()) text += delta["content"];
    }
    return text;
}

json openai_body(const json& response_format, bool stream) {
    return {{"model", "phi"},
            {"messages", json::array({{{"role", "user"}, {"content", "Name: Ada\nAge: 54"}}})},
            {"stream", stream},
            {"response_format", response_format}};
}

void expect_valid(const json& schema, const std::string& text) {
    const json value = json::parse(text, nullptr, false);
    ASSERT_FALSE(value.is_discarded()) << "not JSON: " << text;
    const auto why = mock_ollama::test_support::SchemaValidator(schema).validate(value, schema);
    EXPECT_FALSE(why) << *why << "\n" << text;
}

class Format : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Format, GenerateStreamsASchemaValueTokenByToken) {
    const auto a = ollama(http_, "/api/generate",
                          generate_body("Name: Ada\nSymptoms: cough", {{"format", kPatient}}));
    ASSERT_EQ(a.response.status, 200) << a.response.describe();
    expect_valid(kPatient, a.text());
    EXPECT_GT(a.tokens.size(), 10u) << "streamed in small pieces, not one chunk";
    for (const auto& t : a.tokens) EXPECT_LE(t.size(), 12u) << t;
    EXPECT_EQ(a.last["done_reason"], "stop");
    EXPECT_EQ(a.last["eval_count"], a.tokens.size());
    // The log holds the same tokens, and no `mock_tokens` limit cut them.
    EXPECT_EQ(token_texts(mock_.last_request()), a.tokens);
}

TEST_F(Format, EverySeedsAnswerValidates) {
    for (int seed = 0; seed < 30; ++seed) {
        const auto r = http_.post("/api/generate",
                                  generate_body("Name: Ada", {{"format", kPatient},
                                                              {"stream", false},
                                                              {"options", {{"seed", seed}}}}));
        ASSERT_EQ(r.status, 200) << r.describe();
        expect_valid(kPatient, r.json()["response"].get<std::string>());
    }
}

TEST_F(Format, NonStreamingChatReturnsTheSameJsonWhole) {
    const json body = chat_body("Name: Ada", {{"format", kPatient}, {"options", {{"seed", 7}}}});
    const auto streamed = ollama(http_, "/api/chat", body);
    json whole_body = body;
    whole_body["stream"] = false;
    const auto r = http_.post("/api/chat", whole_body);
    ASSERT_EQ(r.status, 200) << r.describe();
    const std::string text = r.json()["message"]["content"];
    expect_valid(kPatient, text);
    EXPECT_EQ(text, streamed.text()) << "same request, same JSON";
    json other = whole_body;
    other["options"]["seed"] = 8;
    EXPECT_NE(http_.post("/api/chat", other).json()["message"]["content"], text);
}

TEST_F(Format, JsonFormatGivesAnObjectAroundTheGeneratedText) {
    const auto r = http_.post(
        "/api/generate",
        generate_body("Name: Ada\nSymptoms: cough", {{"format", "json"}, {"stream", false}}));
    ASSERT_EQ(r.status, 200) << r.describe();
    const json v = json::parse(r.json()["response"].get<std::string>());
    ASSERT_TRUE(v.is_object()) << v;
    EXPECT_TRUE(v["summary"].is_string() && !v["summary"].get<std::string>().empty()) << v;
    EXPECT_TRUE(v["keywords"].is_array()) << v;
    EXPECT_TRUE(v["confidence"].is_number()) << v;
    // null and "" ask for no format: prose.
    for (const json& none : {json(nullptr), json("")}) {
        const auto prose = http_.post(
            "/api/generate", generate_body("Name: Ada", {{"format", none}, {"stream", false}}));
        EXPECT_TRUE(
            json::parse(prose.json()["response"].get<std::string>(), nullptr, false).is_discarded())
            << prose.body;
    }
}

TEST_F(Format, NumPredictAndStopCutTheJsonAsTheyCutText) {
    const auto a = ollama(
        http_, "/api/generate",
        generate_body("Name: Ada", {{"format", kPatient}, {"options", {{"num_predict", 3}}}}));
    ASSERT_EQ(a.tokens.size(), 3u) << a.response.body;
    EXPECT_EQ(a.last["done_reason"], "length");
    const auto stopped = ollama(
        http_, "/api/generate",
        generate_body("Name: Ada", {{"format", kPatient}, {"options", {{"stop", {"age"}}}}}));
    EXPECT_THAT(stopped.text(), ::testing::Not(HasSubstr("age"))) << stopped.text();
    EXPECT_FALSE(stopped.text().empty());
}

TEST_F(Format, OpenAiJsonSchemaStreamingAndNot) {
    const json rf = {
        {"type", "json_schema"},
        {"json_schema", {{"name", "patient"}, {"schema", kPatient}, {"strict", true}}}};
    const auto whole = http_.post("/v1/chat/completions", openai_body(rf, false));
    ASSERT_EQ(whole.status, 200) << whole.describe();
    const std::string text = whole.json()["choices"][0]["message"]["content"];
    expect_valid(kPatient, text);
    const auto streamed = http_.post("/v1/chat/completions", openai_body(rf, true));
    ASSERT_EQ(streamed.status, 200) << streamed.describe();
    EXPECT_EQ(openai_streamed_text(streamed), text);
    // json_object: some JSON object; text: prose.
    const auto object =
        http_.post("/v1/chat/completions", openai_body({{"type", "json_object"}}, false));
    EXPECT_TRUE(json::parse(object.json()["choices"][0]["message"]["content"].get<std::string>())
                    .is_object());
    const auto prose = http_.post("/v1/chat/completions", openai_body({{"type", "text"}}, false));
    EXPECT_TRUE(json::parse(prose.json()["choices"][0]["message"]["content"].get<std::string>(),
                            nullptr, false)
                    .is_discarded());
}

TEST_F(Format, BadOllamaFormatsAre400sWithOllamasText) {
    const std::vector<std::pair<json, std::string>> cases = {
        {"xml", R"(invalid format: "\"xml\""; expected "json" or a valid JSON Schema object)"},
        {42, R"(invalid format: "42"; expected "json" or a valid JSON Schema object)"},
        {json::array({1}),
         R"(invalid format: "[1]"; expected "json" or a valid JSON Schema object)"},
        {true, R"(invalid format: "true"; expected "json" or a valid JSON Schema object)"},
        {{{"type", "string"}, {"pattern", "^a"}},
         "format is not a JSON Schema mock-ollama can satisfy: keyword 'pattern' is not supported"},
        {{{"properties", {{"age", {{"type", "integer"}, {"minimum", 5}, {"maximum", 1}}}}}},
         "format is not a JSON Schema mock-ollama can satisfy: properties.age: no integer "
         "satisfies "
         "the bounds [5, 1]"},
        {{{"type", "object"}, {"oneOf", json::array()}},
         "format is not a JSON Schema mock-ollama can satisfy: keyword 'oneOf' is not supported"},
    };
    for (const auto& [format, message] : cases) {
        for (const char* path : {"/api/generate", "/api/chat"}) {
            const json body = std::string_view(path) == "/api/chat"
                                  ? chat_body("hi", {{"format", format}})
                                  : generate_body("hi", {{"format", format}});
            const auto r = http_.post(path, body);
            EXPECT_EQ(r.status, 400) << path << " " << format << " " << r.body;
            EXPECT_EQ(r.json(), (json{{"error", message}})) << path << " " << format;
        }
    }
    expect_serves_a_normal_request(mock_);
}

TEST_F(Format, BadResponseFormatsAre400sInOpenAisShape) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"("json")",
         "json: cannot unmarshal string into Go struct field ChatCompletionRequest.response_format "
         "of type openai.ResponseFormat"},
        {R"({})", "Missing required parameter: 'response_format.type'."},
        {R"({"type": 3})",
         "json: cannot unmarshal number into Go struct field ResponseFormat.response_format.type "
         "of "
         "type string"},
        {R"({"type": "xml"})",
         "Invalid value: \"xml\". Supported values are: 'text', 'json_object', and 'json_schema'."},
        {R"({"type": "json_schema"})",
         "Missing required parameter: 'response_format.json_schema'."},
        {R"({"type": "json_schema", "json_schema": {"name": "x"}})",
         "Missing required parameter: 'response_format.json_schema.schema'."},
        {R"({"type": "json_schema", "json_schema": {"schema": {"type": "object"}, "strict": "yes"}})",
         "json: cannot unmarshal string into Go struct field "
         "JsonSchema.response_format.json_schema.strict of type bool"},
        {R"({"type": "json_schema", "json_schema": {"schema": "{}"}})",
         R"(invalid format: "\"{}\""; expected "json" or a valid JSON Schema object)"},
        {R"({"type": "json_schema", "json_schema": {"schema": {"not": true}}})",
         "response_format.json_schema.schema is not a JSON Schema mock-ollama can satisfy: keyword "
         "'not' is not supported"},
    };
    for (const auto& [text, message] : cases) {
        const json rf = json::parse(text);
        for (const bool stream : {false, true}) {
            const auto r = http_.post("/v1/chat/completions", openai_body(rf, stream));
            EXPECT_EQ(r.status, 400) << rf << " " << r.body;
            const json e = r.json();
            EXPECT_EQ(e["error"]["message"], message) << rf;
            EXPECT_EQ(e["error"]["type"], "invalid_request_error") << r.body;
        }
    }
    expect_serves_a_normal_request(mock_);
}

TEST_F(Format, HostileSchemasAreRefusedQuicklyAndTheMockServesOn) {
    // 5,000 nested levels, as text: a json value that deep would overflow the test's own
    // stack when copied or dumped (nlohmann recurses), before the mock saw a byte of it.
    std::string deep;
    for (int i = 0; i < 5000; ++i) deep += R"({"items":)";
    deep += "{}" + std::string(5000, '}');
    const json cube = {{"type", "array"},
                       {"minItems", 256},
                       {"items",
                        {{"type", "array"},
                         {"minItems", 256},
                         {"items", {{"type", "array"}, {"minItems", 256}}}}}};
    const json loop = {{"$ref", "#/$defs/a"}, {"$defs", {{"a", {{"$ref", "#/$defs/a"}}}}}};
    std::vector<std::string> bodies;
    for (const json& schema : {cube, loop}) {
        bodies.push_back(chat_body("hi", {{"format", schema}}).dump());
    }
    // The deep one spliced into the body's text where a null stands in for it.
    std::string with_deep = chat_body("hi", {{"format", nullptr}}).dump();
    const auto at = with_deep.find("\"format\":null");
    ASSERT_NE(at, std::string::npos) << with_deep;
    with_deep.replace(at, 13, "\"format\":" + deep);
    bodies.push_back(std::move(with_deep));
    for (const auto& body : bodies) {
        const auto started = Clock::now();
        const auto r = http_.post("/api/chat", body);
        EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
        EXPECT_THAT(r.json()["error"].get<std::string>(), HasSubstr("mock-ollama can satisfy"));
        EXPECT_LT(micros(started, Clock::now()), 2'000'000) << r.body.substr(0, 300);
    }
    expect_serves_a_normal_request(mock_);
}

}  // namespace
}  // namespace mock_test
