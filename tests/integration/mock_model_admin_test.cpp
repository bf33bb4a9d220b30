// /api/pull, /api/push, /api/create, /api/copy, /api/delete and /api/blobs on a real
// mock-ollama over loopback: Ollama's status lines, paced by the clock, and a model list that
// /api/tags, /api/show, /api/ps and /v1/models all see change.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// sha256("hello"), and of "a": a blob body and a digest that does not match it.
constexpr const char* kHelloDigest =
    "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
constexpr const char* kOtherDigest =
    "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";

class ModelAdmin : public ::testing::Test {
  protected:
    std::vector<std::string> tag_names() {
        std::vector<std::string> names;
        const json tags = http_.get("/api/tags").json();
        for (const auto& m : tags["models"]) names.push_back(m["name"]);
        return names;
    }
    std::vector<std::string> openai_ids() {
        std::vector<std::string> ids;
        const json list = http_.get("/v1/models").json();
        for (const auto& m : list["data"]) ids.push_back(m["id"]);
        return ids;
    }
    Response del(const json& body) {
        return http_.perform({.method = "DELETE", .path = "/api/delete", .body = body.dump()});
    }
    Response head(std::string path) { return http_.perform({.method = "HEAD", .path = path}); }
    std::vector<std::string> running() {
        const json ps = http_.get("/api/ps").json();
        std::vector<std::string> names;
        for (const auto& m : ps["models"]) names.push_back(m["name"]);
        return names;
    }

    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(ModelAdmin, PullStreamsStatusLinesWithCompletedAdvancingPacedByTheClock) {
    const auto r = http_.post("/api/pull", json{{"model", "tinyllama"}});
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("application/x-ndjson"));
    const auto lines = parse_records(r.lines());
    ASSERT_GE(lines.size(), 5u);
    EXPECT_EQ(lines.front(), json({{"status", "pulling manifest"}}));
    std::vector<std::string> tail;
    for (auto it = lines.end() - 3; it != lines.end(); ++it) tail.push_back((*it)["status"]);
    EXPECT_THAT(tail, ElementsAre("verifying sha256 digest", "writing manifest", "success"));
    // The weights layer: several lines, `completed` rising to `total`, digest named in status.
    std::vector<std::int64_t> completed;
    const std::string digest = lines[1]["digest"];
    for (const auto& l : lines) {
        if (l.value("digest", "") != digest) continue;
        EXPECT_EQ(l["status"], "pulling " + digest.substr(7, 12)) << l;
        completed.push_back(l["completed"]);
        EXPECT_EQ(l["total"], lines[1]["total"]);
    }
    ASSERT_GE(completed.size(), 5u);
    EXPECT_TRUE(std::is_sorted(completed.begin(), completed.end()));
    EXPECT_LT(completed.front(), completed.back());
    EXPECT_EQ(completed.back(), lines[1]["total"].get<std::int64_t>());
    // Paced: 100 ms a line at --time-scale 0.1 is 10 ms, so the lines span well over 50 ms.
    const auto records = r.lines();
    EXPECT_GT(micros(records.front().at, records.back().at), 50'000);
    EXPECT_THAT(tag_names(), Contains("tinyllama:latest"));
    EXPECT_THAT(openai_ids(), Contains("tinyllama:latest"));
    EXPECT_EQ(http_.post("/api/show", json{{"model", "tinyllama"}}).status, 200);
}

TEST_F(ModelAdmin, PullWithoutStreamingAnswersOneSuccessObjectWhenDone) {
    const auto r = http_.post("/api/pull", json{{"model", "qwen2:0.5b"}, {"stream", false}});
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.json(), json({{"status", "success"}}));
    EXPECT_GT(micros(r.started, r.finished), 50'000);  // waited for the whole pull
    EXPECT_THAT(tag_names(), Contains("qwen2:0.5b"));
}

TEST_F(ModelAdmin, ANameConfiguredToFailPullsWithOllamasError) {
    const auto cfg = http_.post("/_mock/config", json{{"pull_fail", {"ghost"}}},
                                {"Content-Type: application/json"});
    ASSERT_EQ(cfg.status, 200) << cfg.describe();
    const auto streamed = http_.post("/api/pull", json{{"model", "ghost:latest"}});
    ASSERT_EQ(streamed.status, 200) << streamed.describe();
    const auto lines = parse_records(streamed.lines());
    ASSERT_EQ(lines.size(), 2u) << streamed.body;
    EXPECT_EQ(lines[1], json({{"error", "pull model manifest: file does not exist"}}));
    const auto whole = http_.post("/api/pull", json{{"model", "ghost"}, {"stream", false}});
    EXPECT_EQ(whole.status, 500);
    EXPECT_EQ(whole.json(), json({{"error", "pull model manifest: file does not exist"}}));
    EXPECT_THAT(tag_names(), Not(Contains("ghost:latest")));
}

TEST_F(ModelAdmin, CreateCopyDeleteChangeTheListEveryEndpointReads) {
    const auto created =
        http_.post("/api/create", json{{"model", "mario"}, {"from", "phi"}, {"system", "Mario"}});
    ASSERT_EQ(created.status, 200) << created.describe();
    const auto lines = parse_records(created.lines());
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines[0]["status"], "reading model metadata");
    EXPECT_EQ(lines[1]["status"], "creating system layer");
    EXPECT_EQ(lines.back(), json({{"status", "success"}}));
    EXPECT_THAT(tag_names(), Contains("mario:latest"));

    const auto copied =
        http_.post("/api/copy", json{{"source", "mario"}, {"destination", "luigi:v1"}});
    ASSERT_EQ(copied.status, 200) << copied.describe();
    EXPECT_THAT(tag_names(), Contains("luigi:v1"));
    // A copy generates like any model, and then shows in /api/ps.
    const auto gen =
        http_.post("/api/generate", generate_body("hi", {{"stream", false}}, "luigi:v1"));
    ASSERT_EQ(gen.status, 200) << gen.describe();
    EXPECT_THAT(running(), Contains("luigi:v1"));

    ASSERT_EQ(del({{"model", "luigi:v1"}}).status, 200);
    EXPECT_THAT(tag_names(), Not(Contains("luigi:v1")));
    EXPECT_THAT(openai_ids(), Not(Contains("luigi:v1")));
    EXPECT_EQ(http_.post("/api/show", json{{"model", "luigi:v1"}}).status, 404);
    EXPECT_THAT(running(), Not(Contains("luigi:v1")));
}

TEST_F(ModelAdmin, UnknownModelsAre404WithOllamasMessages) {
    const auto d = del({{"model", "nope"}});
    EXPECT_EQ(d.status, 404);
    EXPECT_EQ(d.json(), json({{"error", "model 'nope' not found"}}));
    const auto c = http_.post("/api/copy", json{{"source", "nope"}, {"destination", "x"}});
    EXPECT_EQ(c.status, 404);
    EXPECT_EQ(c.json(), json({{"error", "model \"nope\" not found"}}));
    EXPECT_EQ(http_.post("/api/create", json{{"model", "x"}, {"from", "nope"}}).status, 404);
    EXPECT_EQ(http_.post("/api/push", json{{"model", "nope"}}).status, 404);
    EXPECT_THAT(tag_names(), Not(Contains("x:latest")));
}

TEST_F(ModelAdmin, PushStreamsUploadLinesAndEndsInSuccess) {
    const auto r = http_.post("/api/push", json{{"model", "phi"}});
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto lines = parse_records(r.lines());
    ASSERT_GE(lines.size(), 4u);
    EXPECT_EQ(lines[0], json({{"status", "retrieving manifest"}}));
    EXPECT_EQ(lines[1]["status"], "starting upload");
    EXPECT_TRUE(lines[1]["total"].is_number_integer()) << lines[1];
    EXPECT_EQ(lines[lines.size() - 2], json({{"status", "pushing manifest"}}));
    EXPECT_EQ(lines.back(), json({{"status", "success"}}));
    const auto whole = http_.post("/api/push", json{{"model", "phi"}, {"stream", false}});
    EXPECT_EQ(whole.json(), json({{"status", "success"}}));
}

TEST_F(ModelAdmin, BlobsAreVerifiedAgainstTheirSha256AndThenExist) {
    EXPECT_EQ(head("/").status, 200);
    EXPECT_EQ(head(std::string("/api/blobs/") + kHelloDigest).status, 404);
    const auto wrong = http_.post(std::string("/api/blobs/") + kOtherDigest, std::string("hello"));
    EXPECT_EQ(wrong.status, 400);
    EXPECT_THAT(wrong.json()["error"].get<std::string>(), HasSubstr("digest mismatch"));
    EXPECT_EQ(head(std::string("/api/blobs/") + kOtherDigest).status, 404);
    const auto pushed = http_.post(std::string("/api/blobs/") + kHelloDigest, std::string("hello"));
    EXPECT_EQ(pushed.status, 201) << pushed.describe();
    EXPECT_EQ(head(std::string("/api/blobs/") + kHelloDigest).status, 200);
    EXPECT_EQ(http_.post("/api/blobs/sha256:zz", std::string("x")).status, 400);
    // A model from the pushed file.
    const auto created = http_.post(
        "/api/create", json{{"model", "gguf-model"}, {"files", {{"m.gguf", kHelloDigest}}}});
    ASSERT_EQ(created.status, 200) << created.describe();
    EXPECT_EQ(parse_records(created.lines()).front()["status"], "parsing GGUF");
    EXPECT_THAT(tag_names(), Contains("gguf-model:latest"));
    const auto missing =
        http_.post("/api/create", json{{"model", "m2"}, {"files", {{"m.gguf", kOtherDigest}}}});
    EXPECT_EQ(missing.status, 400) << missing.describe();
}

TEST_F(ModelAdmin, MalformedBodiesAreClear400sAndTheProcessKeepsServing) {
    struct Case {
        std::string path, body, error;
    };
    const std::vector<Case> cases = {
        {"/api/pull", "{", "invalid JSON in request body"},
        {"/api/pull", R"({"model":1})", "PullRequest.model of type string"},
        {"/api/pull", R"({"model":"phi","stream":"yes"})", "PullRequest.stream of type bool"},
        {"/api/push", "[]", "cannot unmarshal array"},
        {"/api/create", R"({"model":"m"})", "neither 'from' or 'files' was specified"},
        {"/api/create", R"({"model":"m","files":[1]})", "CreateRequest.files"},
        {"/api/create", R"({"model":"m","from":7})", "CreateRequest.from of type string"},
        {"/api/copy", R"({"source":"phi"})", "destination \"\" is invalid"},
        {"/api/copy", R"({"source":[],"destination":"x"})", "CopyRequest.source"},
    };
    for (const auto& c : cases) {
        const auto r = http_.post(c.path, c.body);
        EXPECT_EQ(r.status, 400) << c.path << " " << c.body << ": " << r.describe();
        EXPECT_THAT(r.json().value("error", ""), HasSubstr(c.error)) << c.path << " " << c.body;
    }
    const auto d = http_.perform({.method = "DELETE", .path = "/api/delete", .body = "{\"model\""});
    EXPECT_EQ(d.status, 400) << d.describe();
    EXPECT_EQ(http_.get("/api/pull").status, 405);
    EXPECT_EQ(http_.post("/api/delete", json{{"model", "phi"}}).status, 405);
    EXPECT_THAT(tag_names(), Contains("phi:latest"));
    expect_serves_a_normal_request(mock_);
}

}  // namespace
}  // namespace mock_test
