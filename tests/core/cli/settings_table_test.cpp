// The settings table: flags derived from names, one row per name, and a value from a flag's
// text checked as the config file's would be.
#include "core/server_settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

namespace core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(ServerSettingsTable, FlagsAreDerivedFromTheNames) {
    EXPECT_EQ(find_server_setting("ollama_timeout")->flag(), "--ollama-timeout");
    EXPECT_EQ(find_server_setting("max_calls_per_connection")->flag(),
              "--max-calls-per-connection");
    EXPECT_EQ(find_server_setting("stream_upstream")->flag(), "--no-stream-upstream");
    EXPECT_EQ(find_server_setting("ollama_timeout_s"), nullptr);
}

TEST(ServerSettingsTable, EachNameOnceAndEveryRowHasHelpAndASetter) {
    std::set<std::string_view> names;
    for (const auto& s : server_settings()) {
        EXPECT_TRUE(names.insert(s.name).second) << s.name;
        EXPECT_FALSE(s.help.empty()) << s.name;
        EXPECT_NE(s.set, nullptr) << s.name;
        if (s.kind == SettingKind::choice) {
            EXPECT_FALSE(s.choices.empty()) << s.name;
        }
    }
    EXPECT_EQ(names.size(), 26u);
}

TEST(ServerSettingsTable, UnknownKeyListsEveryName) {
    ServerConfig c;
    try {
        apply_server_setting("nope", 1, c);
        FAIL() << "accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()), "unknown key; valid: " + server_setting_names());
    }
    EXPECT_THAT(server_setting_names(), HasSubstr("host, port, data_dir, patients, ollama_url"));
}

TEST(ServerSettingsTable, FlagTextBecomesJson) {
    const auto& port = *find_server_setting("port");
    EXPECT_EQ(setting_value_from_text(port, "80"), json(80));
    EXPECT_EQ(setting_value_from_text(port, "-1"), json(-1));  // refused later as out of range
    EXPECT_THROW(setting_value_from_text(port, "eighty"), std::invalid_argument);
    EXPECT_THROW(setting_value_from_text(port, ""), std::invalid_argument);
    EXPECT_THROW(setting_value_from_text(port, "\"80\""), std::invalid_argument);
    EXPECT_EQ(setting_value_from_text(*find_server_setting("model"), "42"), json("42"));
    EXPECT_EQ(setting_value_from_text(*find_server_setting("stream_upstream"), ""), json(false));
}

TEST(ServerSettingsTable, ValuesAreStoredWhereTheRowSays) {
    ServerConfig c;
    apply_server_setting("connect_timeout", 1.5, c);
    apply_server_setting("max_summary_bytes", 10, c);
    apply_server_setting("data_dir", "d", c);
    EXPECT_EQ(c.ollama.connect_timeout, std::chrono::milliseconds(1500));
    EXPECT_EQ(c.max_summary_bytes, 10u);
    EXPECT_EQ(c.data_dir, "d");
    EXPECT_THROW(apply_server_setting("threads", 1ull << 40, c), std::invalid_argument);
}

}  // namespace
}  // namespace core
