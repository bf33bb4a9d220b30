#include "mock_ollama/model_name.hpp"

#include <gtest/gtest.h>

namespace mock_ollama {
namespace {

TEST(CanonicalModelName, AddsLatestToAnUntaggedName) {
    EXPECT_EQ(canonical_model_name("phi"), "phi:latest");
    EXPECT_EQ(canonical_model_name("ns/a"), "ns/a:latest");
    EXPECT_EQ(canonical_model_name("llama3.2"), "llama3.2:latest");
}

TEST(CanonicalModelName, KeepsATaggedName) {
    EXPECT_EQ(canonical_model_name("phi:latest"), "phi:latest");
    EXPECT_EQ(canonical_model_name("phi:2.7b"), "phi:2.7b");
    EXPECT_EQ(canonical_model_name("ns/a:v1"), "ns/a:v1");
}

TEST(CanonicalModelName, ARegistryPortIsNotATag) {
    EXPECT_EQ(canonical_model_name("host:5000/ns/phi"), "host:5000/ns/phi:latest");
    EXPECT_EQ(canonical_model_name("host:5000/phi:1"), "host:5000/phi:1");
}

TEST(CanonicalModelName, OddNamesAreLeftAsTheyAreOrTaggedByTheSameRule) {
    EXPECT_EQ(canonical_model_name(""), ":latest");
    EXPECT_EQ(canonical_model_name(":"), ":");
    EXPECT_EQ(canonical_model_name("a:"), "a:");
    EXPECT_EQ(canonical_model_name("a:b:c"), "a:b:c");
    EXPECT_EQ(canonical_model_name("ns/"), "ns/:latest");
    EXPECT_EQ(canonical_model_name("/"), "/:latest");
    EXPECT_EQ(canonical_model_name("a:b/c"), "a:b/c:latest");
}

TEST(CanonicalModelName, IsIdempotent) {
    for (const char* n : {"", ":", "a:", "ns/a", "a:b:c", "host:5000/x", "phi"}) {
        const auto once = canonical_model_name(n);
        EXPECT_EQ(canonical_model_name(once), once) << n;
    }
}

}  // namespace
}  // namespace mock_ollama
