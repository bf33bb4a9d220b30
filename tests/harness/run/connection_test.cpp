// harness/connection.hpp: the transport names, the revisions, URL schemes and --header values
// (including hostile ones: a header must never smuggle in another).
#include "harness/connection.hpp"

#include <gtest/gtest.h>

#include "harness/runner.hpp"

namespace harness {
namespace {

TEST(Connection, TransportNames) {
    EXPECT_EQ(transport_index("ws"), 0u);
    EXPECT_EQ(transport_index("http"), 1u);
    EXPECT_EQ(transport_index("stdio"), 2u);
    for (const auto* bad : {"", "WS", "https", "sse", "ws "})
        EXPECT_FALSE(is_transport(bad)) << bad;
}

TEST(Connection, UrlSchemes) {
    EXPECT_EQ(transport_of_url("ws://127.0.0.1:1/mcp"), "ws");
    EXPECT_EQ(transport_of_url("http://127.0.0.1:1/mcp"), "http");
    for (const auto* bad : {"", "https://h/mcp", "wss://h", "HTTP://h", "h:1"}) {
        EXPECT_EQ(transport_of_url(bad), std::nullopt) << bad;
    }
}

TEST(Connection, ProtocolVersions) {
    EXPECT_TRUE(is_protocol_version("2025-11-25"));
    EXPECT_TRUE(is_protocol_version("2026-07-28"));
    EXPECT_FALSE(is_protocol_version(""));
    EXPECT_FALSE(is_protocol_version("2025-11-25 "));
    EXPECT_EQ(default_protocol_version(), "2025-11-25");
}

TEST(Connection, HeadersSplitAtTheFirstColon) {
    using P = std::pair<std::string, std::string>;
    EXPECT_EQ(parse_header("Authorization: Bearer a:b"), (P{"Authorization", "Bearer a:b"}));
    EXPECT_EQ(parse_header("  X-A\t:\t1  "), (P{"X-A", "1"}));
    EXPECT_EQ(parse_header("X:"), (P{"X", ""}));
}

TEST(Connection, HostileHeadersAreRefused) {
    const auto message = [](std::string_view text) -> std::string {
        try {
            parse_header(text);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ(message("X-A: 1\r\nX-Injected: 2"),
              "--header 'X-A: 1\r\nX-Injected: 2': the value holds a control character (CR, LF, "
              "...)");
    EXPECT_NE(message(std::string("X: a\0b", 6)), "");
    EXPECT_NE(message("X: \x7f"), "");
    EXPECT_NE(message("X\nY: 1"), "");
    EXPECT_NE(message("\xc3\xa9: 1"), "");  // not a token
    EXPECT_NE(message(""), "");
    EXPECT_EQ(message("X: caf\xc3\xa9"), "");  // bytes above 0x7f are the server's to judge
}

TEST(Connection, TheRunWinsOverTheScenario) {
    Scenario sc;
    RunOptions o;
    EXPECT_EQ(transport_for(o, sc), "ws");
    EXPECT_EQ(protocol_version_for(o, sc), "2025-11-25");
    sc.transport = "stdio";
    sc.protocol_version = "2026-07-28";
    EXPECT_EQ(transport_for(o, sc), "stdio");
    EXPECT_EQ(protocol_version_for(o, sc), "2026-07-28");
    o.transport = "http";
    o.protocol_version = "2025-06-18";
    EXPECT_EQ(transport_for(o, sc), "http");
    EXPECT_EQ(protocol_version_for(o, sc), "2025-06-18");
}

}  // namespace
}  // namespace harness
