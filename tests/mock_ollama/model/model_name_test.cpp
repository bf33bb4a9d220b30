#include "mock_ollama/model_name.hpp"

#include <gtest/gtest.h>

namespace mock_ollama {
namespace {

struct Case {
    const char* name;
    const char* canonical;
    const char* why;
};

constexpr Case kCases[] = {
    {"phi", "phi:latest", "untagged"},
    {"ns/a", "ns/a:latest", "untagged, with a namespace"},
    {"llama3.2", "llama3.2:latest", "a dot is not a tag"},
    {"phi:latest", "phi:latest", "tagged"},
    {"phi:2.7b", "phi:2.7b", "tagged"},
    {"ns/a:v1", "ns/a:v1", "tagged, with a namespace"},
    {"host:5000/ns/phi", "host:5000/ns/phi:latest", "a registry port is not a tag"},
    {"host:5000/phi:1", "host:5000/phi:1", "tagged, behind a registry port"},
    {"a:b/c", "a:b/c:latest", "a colon before the last '/' is not a tag"},
    {"", ":latest", "empty is untagged too (the API refuses it before asking)"},
    {":", ":", "odd but tagged: left as it is"},
    {"a:", "a:", "an empty tag is still a tag"},
    {"a:b:c", "a:b:c", "two colons: left as it is"},
    {"ns/", "ns/:latest", "nothing after the '/': untagged"},
    {"/", "/:latest", "nothing after the '/': untagged"},
};

TEST(CanonicalModelName, OneRuleForEveryName) {
    for (const auto& c : kCases) {
        EXPECT_EQ(canonical_model_name(c.name), c.canonical) << c.name << ": " << c.why;
    }
}

TEST(CanonicalModelName, IsIdempotent) {
    for (const auto& c : kCases) {
        EXPECT_EQ(canonical_model_name(c.canonical), c.canonical) << c.name;
    }
}

}  // namespace
}  // namespace mock_ollama
