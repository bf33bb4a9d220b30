// The status lines of /api/pull, /api/push and /api/create, their pace, and the SHA-256 that
// checks /api/blobs: pure functions, checked without a server.
#include "api/progress.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/sha256.hpp"

namespace {

using namespace mock_ollama;
using nlohmann::json;
using std::chrono::milliseconds;

std::vector<json> parsed(const std::vector<std::string>& lines) {
    std::vector<json> out;
    for (const auto& l : lines) out.push_back(json::parse(l));
    return out;
}

ModelInfo model(std::string name) {
    ModelInfo m;
    m.name = std::move(name);
    return m;
}

TEST(Progress, PullLinesFollowOllamasOrderWithCompletedRisingToTotal) {
    const auto lines = parsed(pull_lines(model("tinyllama:latest")));
    ASSERT_GE(lines.size(), 8u);
    EXPECT_EQ(lines.front(), json({{"status", "pulling manifest"}}));
    EXPECT_EQ(lines[lines.size() - 3], json({{"status", "verifying sha256 digest"}}));
    EXPECT_EQ(lines[lines.size() - 2], json({{"status", "writing manifest"}}));
    EXPECT_EQ(lines.back(), json({{"status", "success"}}));
    const auto layers = layers_of(model("tinyllama:latest"));
    for (const auto& layer : layers) {
        std::int64_t last = 0;
        int seen = 0;
        for (const auto& l : lines) {
            if (l.value("digest", "") != layer.digest) continue;
            ++seen;
            EXPECT_EQ(l["status"], "pulling " + layer.digest.substr(7, 12));
            EXPECT_EQ(l["total"], layer.size);
            EXPECT_GT(l["completed"].get<std::int64_t>(), last);
            last = l["completed"];
        }
        EXPECT_GE(seen, 1) << layer.digest;
        EXPECT_EQ(last, layer.size) << layer.digest;
    }
}

TEST(Progress, DigestsAreStablePerNameAndDifferBetweenNames) {
    EXPECT_EQ(layers_of(model("a:latest"))[0].digest, layers_of(model("a:latest"))[0].digest);
    EXPECT_NE(layers_of(model("a:latest"))[0].digest, layers_of(model("b:latest"))[0].digest);
    EXPECT_THAT(layers_of(model("a:latest"))[0].digest,
                ::testing::MatchesRegex("sha256:[0-9a-f]{64}"));
}

TEST(Progress, FailedPullEndsInOllamasErrorLine) {
    EXPECT_EQ(parsed(failed_pull_lines("boom")),
              (std::vector<json>{{{"status", "pulling manifest"}}, {{"error", "boom"}}}));
}

TEST(Progress, PushAndCreateEndInSuccess) {
    const auto push = parsed(push_lines(model("phi:latest")));
    EXPECT_EQ(push.front(), json({{"status", "retrieving manifest"}}));
    EXPECT_EQ(push[1]["status"], "starting upload");
    EXPECT_EQ(push[push.size() - 2], json({{"status", "pushing manifest"}}));
    EXPECT_EQ(push.back(), json({{"status", "success"}}));
    const auto from = parsed(create_lines(model("m:latest"), false, true));
    EXPECT_EQ(from[0]["status"], "reading model metadata");
    EXPECT_EQ(from[1]["status"], "creating system layer");
    const auto files = parsed(create_lines(model("m:latest"), true, false));
    EXPECT_EQ(files[0]["status"], "parsing GGUF");
    EXPECT_THAT(files[1]["status"].get<std::string>(),
                ::testing::StartsWith("using already created layer sha256:"));
    EXPECT_EQ(files.back(), json({{"status", "success"}}));
}

TEST(Progress, LinesArePacedByTheStepTimesTheTimeScale) {
    const auto real = progress_offsets(4, 1.0);
    ASSERT_EQ(real.size(), 4u);
    EXPECT_EQ(real[0], milliseconds(0));
    EXPECT_EQ(real[3], 3 * kProgressStep);
    EXPECT_EQ(progress_offsets(4, 0.1)[3], milliseconds(30));
}

TEST(Sha256, MatchesKnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("hello"),
              "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

}  // namespace
