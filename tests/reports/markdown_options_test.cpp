// The Options line of checklist.md names the options that were given, each value readable:
// no `filter=, ollama_url=,` for options left out, no CPU time with 17 digits.
#include <gtest/gtest.h>

#include "reports/markdown.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

std::string options_line(nlohmann::json options) {
    auto r = run({});
    r.options = std::move(options);
    return line_starting(reports::render_markdown(r), "Options:");
}

TEST(MarkdownOptions, OptionsNotGivenAreLeftOut) {
    const std::string line = options_line({{"time_scale", 0.01},
                                           {"filter", ""},
                                           {"ollama_url", ""},
                                           {"server_cmd", ""},
                                           {"headers", nlohmann::json::array()},
                                           {"seed", nullptr},
                                           {"jobs", 2}});
    EXPECT_EQ(line, "Options: jobs=2, time\\_scale=0.01");
}

TEST(MarkdownOptions, FloatingPointValuesAreRounded) {
    EXPECT_EQ(options_line({{"harness_cpu_s", 0.41234567890123456}}),
              "Options: harness\\_cpu\\_s=0.4123");
    EXPECT_EQ(options_line({{"harness_cpu_s", 12.345678901234567}}),
              "Options: harness\\_cpu\\_s=12.35");
    EXPECT_EQ(options_line({{"harness_cpu_s", 4321.987654321}}), "Options: harness\\_cpu\\_s=4322");
    EXPECT_EQ(options_line({{"time_scale", 0.00001}}), "Options: time\\_scale=0.000010");
    EXPECT_EQ(options_line({{"time_scale", 1.0}}), "Options: time\\_scale=1");
}

TEST(MarkdownOptions, NoLineWhenNothingWasGiven) {
    EXPECT_EQ(options_line({{"filter", ""}, {"server_url", ""}}), "");
}

}  // namespace
