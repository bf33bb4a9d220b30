// The non-generation endpoints of a real mock-ollama, with the shapes Ollama clients expect
// (WIRE.md section 3).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

std::set<std::string> keys_of(const json& j) {
    std::set<std::string> out;
    for (const auto& [k, v] : j.items()) out.insert(k);
    return out;
}

double norm_of(const json& v) {
    double n = 0;
    for (const auto& x : v) n += x.get<double>() * x.get<double>();
    return std::sqrt(n);
}

class Endpoints : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Endpoints, RootSaysOllamaIsRunning) {
    const auto r = http_.get("/");
    ASSERT_TRUE(r.ok()) << r.describe();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "Ollama is running");
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("text/plain"));
}

TEST_F(Endpoints, VersionIsOneStringField) {
    const auto r = http_.get("/api/version");
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    EXPECT_THAT(keys_of(j), UnorderedElementsAre("version"));
    ASSERT_TRUE(j["version"].is_string());
    EXPECT_TRUE(std::regex_match(j["version"].get<std::string>(), std::regex(R"(\d+\.\d+\.\d+)")))
        << j;
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("application/json"));
}

TEST_F(Endpoints, TagsListsTheModelsWithOllamasFields) {
    const auto r = http_.get("/api/tags");
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    ASSERT_TRUE(j["models"].is_array()) << j;
    std::vector<std::string> names;
    for (const auto& m : j["models"]) {
        EXPECT_THAT(keys_of(m), UnorderedElementsAre("name", "model", "modified_at", "size",
                                                     "digest", "details"));
        names.push_back(m["name"].get<std::string>());
        EXPECT_EQ(m["model"], m["name"]);
        EXPECT_TRUE(m["size"].is_number_integer() && m["size"].get<std::int64_t>() > 0) << m;
        EXPECT_TRUE(std::regex_match(m["digest"].get<std::string>(), std::regex("[0-9a-f]{64}")))
            << m["digest"];
        EXPECT_TRUE(std::regex_match(m["modified_at"].get<std::string>(),
                                     std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
            << m["modified_at"];
        EXPECT_THAT(keys_of(m["details"]),
                    UnorderedElementsAre("parent_model", "format", "family", "families",
                                         "parameter_size", "quantization_level"));
        EXPECT_EQ(m["details"]["format"], "gguf");
        EXPECT_EQ(m["details"]["families"], json::array({m["details"]["family"]}));
    }
    EXPECT_THAT(names, UnorderedElementsAre("phi:latest", "llama3.2:latest", "mistral:latest",
                                            "qwen3:latest"));
}

TEST_F(Endpoints, ShowDescribesAModelByModelOrName) {
    const auto by_model = http_.post("/api/show", json{{"model", "phi"}});
    ASSERT_EQ(by_model.status, 200) << by_model.describe();
    const auto j = by_model.json();
    EXPECT_THAT(keys_of(j),
                UnorderedElementsAre("license", "modelfile", "parameters", "template", "details",
                                     "model_info", "capabilities", "modified_at"));
    EXPECT_THAT(j["modelfile"].get<std::string>(), HasSubstr("FROM phi:latest"));
    EXPECT_EQ(j["details"]["family"], "phi2");
    EXPECT_EQ(j["model_info"]["general.architecture"], "phi2");
    EXPECT_EQ(j["capabilities"], json::array({"completion"}));

    const auto by_name = http_.post("/api/show", json{{"name", "llama3.2:latest"}});
    ASSERT_EQ(by_name.status, 200) << by_name.describe();
    EXPECT_EQ(by_name.json()["details"]["parameter_size"], "3.2B");
}

TEST_F(Endpoints, PsListsOnlyModelsThatWereUsed) {
    const auto before = http_.get("/api/ps");
    ASSERT_EQ(before.status, 200) << before.describe();
    EXPECT_EQ(before.json(), json::parse(R"({"models":[]})"));

    const auto gen = http_.post("/api/generate", generate_body("warm up", {{"stream", false}}));
    ASSERT_EQ(gen.status, 200) << gen.describe();

    const auto after = http_.get("/api/ps").json();
    ASSERT_EQ(after["models"].size(), 1u) << after;
    const auto& m = after["models"][0];
    EXPECT_EQ(m["name"], "phi:latest");
    EXPECT_EQ(m["model"], "phi:latest");
    EXPECT_THAT(keys_of(m), UnorderedElementsAre("name", "model", "size", "digest", "details",
                                                 "expires_at", "size_vram"));
    EXPECT_EQ(m["size_vram"], m["size"]);
}

TEST_F(Endpoints, EmbedWithAStringGivesOneUnitVector) {
    const auto r = http_.post("/api/embed", json{{"model", "phi"}, {"input", "chest pain"}});
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    EXPECT_THAT(keys_of(j), UnorderedElementsAre("model", "embeddings", "total_duration",
                                                 "load_duration", "prompt_eval_count"));
    EXPECT_EQ(j["model"], "phi");
    ASSERT_EQ(j["embeddings"].size(), 1u);
    EXPECT_EQ(j["embeddings"][0].size(), 384u);
    EXPECT_NEAR(norm_of(j["embeddings"][0]), 1.0, 1e-6);
    EXPECT_GT(j["total_duration"].get<std::int64_t>(), 0);
    EXPECT_EQ(j["prompt_eval_count"], 2);
}

TEST_F(Endpoints, EmbedWithAnArrayGivesOneDeterministicVectorPerInput) {
    const json body = {
        {"model", "phi"}, {"input", {"fever", "cough", "fever"}}, {"dimensions", 16}};
    const auto a = http_.post("/api/embed", body).json();
    const auto b = http_.post("/api/embed", body).json();
    ASSERT_EQ(a["embeddings"].size(), 3u) << a;
    for (const auto& v : a["embeddings"]) EXPECT_EQ(v.size(), 16u);
    EXPECT_EQ(a["embeddings"][0], a["embeddings"][2]) << "same text, same vector";
    EXPECT_NE(a["embeddings"][0], a["embeddings"][1]);
    EXPECT_EQ(a["embeddings"], b["embeddings"]) << "deterministic across requests";
}

TEST_F(Endpoints, LegacyEmbeddingsMatchesEmbed) {
    const auto legacy = http_.post("/api/embeddings",
                                   json{{"model", "phi"}, {"prompt", "fever"}, {"dimensions", 8}});
    ASSERT_EQ(legacy.status, 200) << legacy.describe();
    const auto j = legacy.json();
    EXPECT_THAT(keys_of(j), UnorderedElementsAre("embedding"));
    const auto modern =
        http_.post("/api/embed", json{{"model", "phi"}, {"input", "fever"}, {"dimensions", 8}});
    EXPECT_EQ(j["embedding"], modern.json()["embeddings"][0]);
}

TEST_F(Endpoints, OpenAiModelsListsEveryModel) {
    const auto r = http_.get("/v1/models");
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    EXPECT_EQ(j["object"], "list");
    std::vector<std::string> ids;
    for (const auto& m : j["data"]) {
        EXPECT_THAT(keys_of(m), UnorderedElementsAre("id", "object", "created", "owned_by"));
        EXPECT_EQ(m["object"], "model");
        ids.push_back(m["id"].get<std::string>());
    }
    EXPECT_THAT(ids, UnorderedElementsAre("phi:latest", "llama3.2:latest", "mistral:latest",
                                          "qwen3:latest"));
}

}  // namespace
}  // namespace mock_test
