#include "mock_ollama/embedding.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mock_ollama {
namespace {

double norm(const std::vector<float>& v) {
    double sum = 0.0;
    for (const float x : v) sum += static_cast<double>(x) * x;
    return std::sqrt(sum);
}

double similarity(std::string_view a, std::string_view b) {
    return cosine_similarity(embed_text(a), embed_text(b));
}

TEST(EmbedText, HasTheRequestedDimensions) {
    EXPECT_EQ(embed_text("chest pain").size(), 384u);
    EXPECT_EQ(embed_text("chest pain", 16).size(), 16u);
    EXPECT_TRUE(embed_text("chest pain", 0).empty());
}

TEST(EmbedText, EqualInputsGiveEqualVectors) {
    EXPECT_EQ(embed_text("The patient reports chest pain."),
              embed_text("The patient reports chest pain."));
    EXPECT_NE(embed_text("The patient reports chest pain."),
              embed_text("The patient reports back pain."));
}

TEST(EmbedText, IsUnitLengthForAnyNonEmptyText) {
    for (const std::string_view text :
         {"chest pain", "a", "?!", "   ", "N\u00fa\u00f1ez \U0001FA7A", "\xC3", "42"}) {
        EXPECT_NEAR(norm(embed_text(text)), 1.0, 1e-5) << "[" << text << "]";
        EXPECT_NEAR(norm(embed_text(text, 8)), 1.0, 1e-5) << "[" << text << "]";
    }
}

TEST(EmbedText, EmptyTextIsAllZero) {
    const auto v = embed_text("");
    ASSERT_EQ(v.size(), 384u);
    EXPECT_EQ(norm(v), 0.0);
}

TEST(EmbedText, IgnoresCase) {
    EXPECT_EQ(embed_text("Chest Pain"), embed_text("chest pain"));
}

TEST(EmbedText, OneChangedWordStaysSimilar) {
    EXPECT_GT(similarity("The patient reports chest pain and shortness of breath.",
                         "The patient denies chest pain and shortness of breath."),
              0.7);
    EXPECT_GT(similarity("Current medications include metformin and lisinopril.",
                         "Current medications include metformin and amlodipine."),
              0.7);
    EXPECT_GT(similarity("Follow-up is advised within 7 days, or sooner if symptoms worsen.",
                         "Follow-up is advised within 14 days, or sooner if symptoms worsen."),
              0.7);
}

TEST(EmbedText, UnrelatedTextsAreDissimilar) {
    EXPECT_LT(similarity("The patient reports chest pain and shortness of breath.",
                         "Bake the bread at two hundred degrees for forty minutes."),
              0.3);
    EXPECT_LT(similarity("Current medications include metformin and lisinopril.",
                         "The quarterly revenue grew faster than analysts expected."),
              0.3);
    EXPECT_LT(similarity("hypertension", "skateboard"), 0.3);
}

TEST(CosineSimilarity, BasicProperties) {
    const std::vector<float> x{1.0f, 0.0f};
    const std::vector<float> y{0.0f, 2.0f};
    const std::vector<float> minus_x{-3.0f, 0.0f};
    const std::vector<float> zero{0.0f, 0.0f};
    EXPECT_NEAR(cosine_similarity(x, x), 1.0, 1e-12);
    EXPECT_NEAR(cosine_similarity(x, y), 0.0, 1e-12);
    EXPECT_NEAR(cosine_similarity(x, minus_x), -1.0, 1e-12);
    EXPECT_EQ(cosine_similarity(x, zero), 0.0);
    const auto v = embed_text("same text");
    EXPECT_NEAR(cosine_similarity(v, v), 1.0, 1e-6);
}

TEST(CosineSimilarity, RejectsDifferentSizes) {
    EXPECT_THROW(cosine_similarity(std::vector<float>(3), std::vector<float>(4)),
                 std::invalid_argument);
}

}  // namespace
}  // namespace mock_ollama
