#include "common/config_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

fs::path write_file(const std::string& name, const std::string& text) {
    const auto p = fs::temp_directory_path() / ("common_config_file_" + name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ConfigFile, ReadsADocument) {
    const auto p = write_file("ok.json", R"({"port": 8, "host": "h"})");
    EXPECT_EQ(common::read_json_file(p), nlohmann::json::parse(R"({"port": 8, "host": "h"})"));
}

TEST(ConfigFile, AMissingFileIsNamed) {
    const auto p = fs::temp_directory_path() / "common_config_file_missing.json";
    fs::remove(p);
    EXPECT_EQ(error_of([&] { common::read_json_file(p); }), p.string() + ": cannot open");
}

TEST(ConfigFile, SyntaxErrorsAndOverflowNameTheFileAndPosition) {
    const auto bad = write_file("bad.json", "{\"port\": }");
    EXPECT_THAT(error_of([&] { common::read_json_file(bad); }),
                testing::AllOf(StartsWith(bad.string() + ": [json.exception.parse_error"),
                               HasSubstr("line 1, column 10")));
    const auto huge = write_file("huge.json", R"({"port": 1e999})");
    EXPECT_THAT(error_of([&] { common::read_json_file(huge); }),
                StartsWith(huge.string() + ": [json.exception.out_of_range"));
    const auto empty = write_file("empty.json", "");
    EXPECT_THAT(error_of([&] { common::read_json_file(empty); }),
                StartsWith(empty.string() + ": "));
}

TEST(ConfigFile, AppliesEachKeyAndNamesTheKeyInErrors) {
    std::map<std::string, int> seen;
    const auto apply = [&](const std::string& key, const nlohmann::json& v) {
        if (key == "bad") throw std::invalid_argument("valid: a, b");
        seen[key] = v.get<int>();
    };
    common::apply_config_object("f.json", nlohmann::json::parse(R"({"a": 1, "b": 2})"), apply);
    EXPECT_EQ(seen, (std::map<std::string, int>{{"a", 1}, {"b", 2}}));
    EXPECT_EQ(error_of([&] {
                  common::apply_config_object("f.json", nlohmann::json::parse(R"({"bad": 1})"),
                                              apply);
              }),
              "f.json: bad: valid: a, b");
    EXPECT_THAT(error_of([&] {
                    common::apply_config_object("f.json", nlohmann::json::parse(R"({"a": "x"})"),
                                                apply);
                }),
                StartsWith("f.json: a: wrong type ([json.exception.type_error"));
}

TEST(ConfigFile, OnlyAnObjectIsAConfig) {
    const auto apply = [](const std::string&, const nlohmann::json&) {};
    for (const char* doc : {"[]", "1", "\"x\"", "null", "true"}) {
        EXPECT_EQ(error_of([&] {
                      common::apply_config_object("f.json", nlohmann::json::parse(doc), apply);
                  }),
                  "f.json: expected a JSON object")
            << doc;
    }
}

}  // namespace
