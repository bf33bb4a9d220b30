// GET /metrics on a running server: the figures follow real traffic (one relay-lag sample per
// token relayed, one save duration per save, upstream errors by kind, the connection gauge)
// and come as the Prometheus text format 0.0.4. The format itself is checked strictly by
// tests/core/ops/metrics_test.cpp.
#include <map>
#include <sstream>

#include "server_fixture.hpp"

namespace server_test {
namespace {

class ServerMetrics : public ServerTest {};

// Each sample line `name{labels} value` as "name{labels}" -> value.
std::map<std::string, double> samples(const std::string& body) {
    std::map<std::string, double> out;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
    return out;
}

TEST_F(ServerMetrics, FiguresFollowRealTraffic) {
    start();
    auto c = connect();
    auto r = c->tool("generate_summary", {{"patient_id", "1"}, {"save", true}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    ASSERT_FALSE(r.is_tool_error()) << r.describe();
    const double tokens = static_cast<double>(mock_tokens(settled_record("1")).size());
    ASSERT_GT(tokens, 0);
    fault_once("2", "http_500");
    r = c->tool("generate_summary", {{"patient_id", "2"}}, 10s);
    ASSERT_TRUE(r.is_tool_error()) << r.describe();

    const auto m = test_support::http_get(server().http_url("/metrics"));
    ASSERT_EQ(m.status, 200) << m.describe();
    EXPECT_EQ(m.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    auto v = samples(m.body);
    EXPECT_EQ(v["mcp_server_tokens_relayed_total"], tokens) << m.body;
    EXPECT_EQ(v["mcp_server_relay_lag_seconds_count"], tokens) << "one sample per token";
    EXPECT_EQ(v["mcp_server_relay_lag_seconds_bucket{le=\"+Inf\"}"], tokens);
    EXPECT_GT(v["mcp_server_relay_lag_seconds_sum"], 0);
    EXPECT_LT(v["mcp_server_relay_lag_seconds_sum"], tokens) << "under a second per token";
    EXPECT_EQ(v["mcp_server_save_duration_seconds_count"], 1);
    EXPECT_GT(v["mcp_server_save_duration_seconds_sum"], 0);
    EXPECT_EQ(v["mcp_server_upstream_errors_total{kind=\"http_status\"}"], 1);
    EXPECT_EQ(v["mcp_server_upstream_errors_total{kind=\"unreachable\"}"], 0);
    EXPECT_EQ(v["mcp_server_tool_calls_total"], 2);
    EXPECT_EQ(v["mcp_server_calls_in_flight"], 0) << "both calls answered";
    EXPECT_EQ(v["mcp_server_generations_in_flight"], 0);
    EXPECT_EQ(v["mcp_server_open_connections{transport=\"ws\"}"], 1);
}

}  // namespace
}  // namespace server_test
