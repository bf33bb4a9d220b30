// classname + name pairs are unique over the file; repeats get a " #n" suffix.
#include <gtest/gtest.h>

#include <set>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

std::set<std::pair<std::string, std::string>> pairs(const xml_tree::Element& root,
                                                    std::size_t& total) {
    std::set<std::pair<std::string, std::string>> out;
    total = 0;
    for (const auto* tc : testcases(root)) {
        out.emplace(tc->at("classname"), tc->at("name"));
        ++total;
    }
    return out;
}

TEST(JunitDuplicates, RepeatedCheckInOneScenarioIsSuffixed) {
    const auto root = junit_tree(run({scenario(
        "s", {check("stream.order", Status::passed), check("stream.order", Status::failed),
              check("stream.order", Status::passed)})}));
    const auto cases = testcases(root);
    ASSERT_EQ(cases.size(), 3u);
    EXPECT_EQ(cases[0]->at("name"), "stream.order");
    EXPECT_EQ(cases[1]->at("name"), "stream.order #2");
    EXPECT_EQ(cases[2]->at("name"), "stream.order #3");
}

TEST(JunitDuplicates, SameScenarioNameTwiceStaysUnique) {
    const auto root = junit_tree(run({scenario("s", {check("stream.order", Status::passed)}),
                                      scenario("s", {check("stream.order", Status::passed)})}));
    std::size_t total = 0;
    EXPECT_EQ(pairs(root, total).size(), 2u);
    EXPECT_EQ(total, 2u);
}

TEST(JunitDuplicates, SuffixDoesNotCollideWithAnExistingName) {
    const auto root = junit_tree(run({scenario(
        "s", {check("stream.order #2", Status::passed), check("stream.order", Status::passed),
              check("stream.order", Status::passed)})}));
    std::size_t total = 0;
    EXPECT_EQ(pairs(root, total).size(), 3u);
    EXPECT_EQ(total, 3u);
    EXPECT_EQ(testcases(root)[2]->at("name"), "stream.order #3");
}

TEST(JunitDuplicates, SameCheckInDifferentScenariosIsNotSuffixed) {
    const auto root = junit_tree(run({scenario("a", {check("stream.order", Status::passed)}),
                                      scenario("b", {check("stream.order", Status::passed)})}));
    for (const auto* tc : testcases(root)) EXPECT_EQ(tc->at("name"), "stream.order");
}

}  // namespace
