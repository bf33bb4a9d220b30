// /metrics: the exposition of known counters, read back by a strict checker of the Prometheus
// text format 0.0.4 (the checker is tested on broken expositions too, so that it can fail).
#include "ops/metrics.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace core;
using Labels = std::map<std::string, std::string>;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

struct Sample {
    std::string name;
    Labels labels;
    double value = 0;
};

struct Family {
    std::string type;
    std::vector<Sample> samples;
};

struct Parsed {
    std::map<std::string, Family> families;

    // The value of one series; fails the test when it is not there exactly once.
    double at(const std::string& name, const Labels& labels = {}) const {
        std::vector<double> found;
        for (const auto& [_, f] : families) {
            for (const auto& s : f.samples) {
                if (s.name == name && s.labels == labels) found.push_back(s.value);
            }
        }
        if (found.size() != 1) {
            ADD_FAILURE() << name << ": " << found.size() << " series with these labels";
            return NAN;
        }
        return found[0];
    }
};

[[noreturn]] void reject(std::size_t line, const std::string& why) {
    throw std::runtime_error("line " + std::to_string(line) + ": " + why);
}

double parse_value(const std::string& text, std::size_t line) {
    if (text == "+Inf") return INFINITY;
    if (text == "-Inf") return -INFINITY;
    if (text == "NaN") return NAN;
    // strtod would skip leading blanks: the format allows none.
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-' ||
                          text[0] == '+' || text[0] == '.')) {
        reject(line, "bad value '" + text + "'");
    }
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) reject(line, "bad value '" + text + "'");
    return v;
}

// `{k="v",...}` at `pos`, escapes \\ \" \n in values; `pos` ends past the `}`.
Labels parse_labels(const std::string& l, std::size_t& pos, std::size_t line) {
    static const std::regex label_name("[a-zA-Z_][a-zA-Z0-9_]*");
    Labels labels;
    ++pos;  // '{'
    while (true) {
        const auto eq = l.find('=', pos);
        if (eq == std::string::npos) reject(line, "label without '='");
        const std::string key = l.substr(pos, eq - pos);
        if (!std::regex_match(key, label_name)) reject(line, "bad label name '" + key + "'");
        if (eq + 1 >= l.size() || l[eq + 1] != '"') reject(line, "label value not quoted");
        std::string value;
        pos = eq + 2;
        for (;; ++pos) {
            if (pos >= l.size()) reject(line, "unterminated label value");
            if (l[pos] == '"') break;
            if (l[pos] == '\\') {
                if (++pos >= l.size() || std::string("\\\"n").find(l[pos]) == std::string::npos) {
                    reject(line, "bad escape in label value");
                }
            }
            value += l[pos];
        }
        if (!labels.emplace(key, value).second) reject(line, "label '" + key + "' twice");
        ++pos;  // past the closing quote
        if (pos < l.size() && l[pos] == '}') {
            ++pos;
            return labels;
        }
        if (pos >= l.size() || l[pos] != ',') reject(line, "expected ',' or '}' after a label");
        ++pos;
    }
}

// Which family a sample name belongs to, given the family being listed.
bool belongs(const std::string& sample, const std::string& family, const std::string& type) {
    if (type != "histogram") return sample == family;
    return sample == family + "_bucket" || sample == family + "_sum" || sample == family + "_count";
}

void check_histogram(const std::string& name, const Family& f) {
    // Grouped by the labels other than `le`.
    std::map<Labels, std::vector<std::pair<double, double>>> buckets;
    std::map<Labels, double> counts;
    std::set<Labels> sums;
    for (const auto& s : f.samples) {
        Labels rest = s.labels;
        if (s.name == name + "_bucket") {
            const auto le = rest.find("le");
            if (le == rest.end()) throw std::runtime_error(name + ": a bucket without 'le'");
            const double bound = parse_value(le->second, 0);
            rest.erase(le);
            buckets[rest].emplace_back(bound, s.value);
        } else if (s.name == name + "_count") {
            counts[rest] = s.value;
        } else {
            sums.insert(rest);
        }
    }
    if (buckets.empty()) throw std::runtime_error(name + ": no buckets");
    for (const auto& [labels, list] : buckets) {
        for (std::size_t i = 1; i < list.size(); ++i) {
            if (!(list[i].first > list[i - 1].first)) {
                throw std::runtime_error(name + ": 'le' not increasing");
            }
            if (list[i].second < list[i - 1].second) {
                throw std::runtime_error(name + ": buckets not cumulative");
            }
        }
        if (!std::isinf(list.back().first)) throw std::runtime_error(name + ": no +Inf bucket");
        if (!counts.count(labels)) throw std::runtime_error(name + ": no _count");
        if (counts.at(labels) != list.back().second) {
            throw std::runtime_error(name + ": _count differs from the +Inf bucket");
        }
        if (!sums.count(labels)) throw std::runtime_error(name + ": no _sum");
    }
}

// The text format 0.0.4, strictly: HELP then TYPE for every family before its samples, each
// sample `name{labels} value` with nothing else, no stray comment or blank line, no series
// twice, our naming rules (prefix, counters end in _total, histograms in _seconds).
Parsed parse_strict(const std::string& text) {
    static const std::regex metric_name("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static const std::set<std::string> types = {"counter", "gauge", "histogram"};
    if (text.empty() || text.back() != '\n') throw std::runtime_error("must end with a newline");
    Parsed p;
    std::string current;  // the family whose samples may follow
    std::string help_for;
    std::set<std::pair<std::string, Labels>> seen;
    std::size_t line_no = 0;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const auto nl = text.find('\n', begin);
        const std::string l = text.substr(begin, nl - begin);
        begin = nl + 1;
        ++line_no;
        if (l.rfind("# HELP ", 0) == 0) {
            const auto sp = l.find(' ', 7);
            const std::string name = l.substr(7, sp - 7);
            if (!std::regex_match(name, metric_name)) reject(line_no, "bad name '" + name + "'");
            if (p.families.count(name)) reject(line_no, "family '" + name + "' listed twice");
            if (sp == std::string::npos || sp + 1 >= l.size()) reject(line_no, "empty HELP");
            help_for = name;
            current.clear();
            continue;
        }
        if (l.rfind("# TYPE ", 0) == 0) {
            const auto sp = l.find(' ', 7);
            const std::string name = l.substr(7, sp - 7);
            if (name != help_for) reject(line_no, "TYPE of '" + name + "' not right after HELP");
            const std::string type = sp == std::string::npos ? "" : l.substr(sp + 1);
            if (!types.count(type)) reject(line_no, "bad type '" + type + "'");
            if (name.rfind("mcp_server_", 0) != 0) reject(line_no, "no mcp_server_ prefix");
            const bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
            if ((type == "counter") != total) reject(line_no, "_total is for counters only");
            if (type == "histogram" && name.substr(name.size() - 8) != "_seconds") {
                reject(line_no, "a histogram without its unit");
            }
            p.families[name].type = type;
            current = name;
            help_for.clear();
            continue;
        }
        if (l.empty() || l[0] == '#') reject(line_no, "blank line or stray comment");
        if (current.empty()) reject(line_no, "a sample before its HELP and TYPE");
        std::size_t pos = 0;
        while (pos < l.size() && l[pos] != '{' && l[pos] != ' ') ++pos;
        Sample s;
        s.name = l.substr(0, pos);
        if (!std::regex_match(s.name, metric_name)) reject(line_no, "bad sample name");
        auto& family = p.families[current];
        if (!belongs(s.name, current, family.type)) {
            reject(line_no, "'" + s.name + "' is not of family '" + current + "'");
        }
        if (pos < l.size() && l[pos] == '{') s.labels = parse_labels(l, pos, line_no);
        if (pos >= l.size() || l[pos] != ' ') reject(line_no, "expected one space before value");
        s.value = parse_value(l.substr(pos + 1), line_no);
        if (!seen.emplace(s.name, s.labels).second) reject(line_no, "series listed twice");
        family.samples.push_back(std::move(s));
    }
    if (!help_for.empty()) throw std::runtime_error("HELP without TYPE at the end");
    for (const auto& [name, f] : p.families) {
        if (f.samples.empty()) throw std::runtime_error(name + ": no samples");
        if (f.type == "histogram") check_histogram(name, f);
    }
    return p;
}

// Every field set to a value of its own, so that two crossed wires cannot go unseen.
void fill(ServerStats& s) {
    s.connections = 3;
    s.http_sessions = 5;
    s.stdio_sessions = 1;
    s.connections_total = 7;
    s.connections_refused = 11;
    s.http_connections = 13;
    s.http_streams = 17;
    s.http_requests_total = 19;
    s.requests = 23;
    s.tool_calls = 29;
    s.calls_in_flight = 31;
    s.generations_active = 37;
    s.saves_active = 41;
    s.tokens_relayed = 43;
    s.budgets_exceeded = 47;
    s.cancelled = 53;
    s.calls_refused = 59;
    s.slow_clients_dropped = 61;
    s.internal_errors = 67;
    s.messages_in_handling = 71;
    s.upstream_errors.add(OllamaError::timeout);
    s.upstream_errors.add(OllamaError::timeout);
    s.upstream_errors.add(OllamaError::unreachable);
}

TEST(Metrics, EveryCounterAndGaugeIsExposedUnderItsName) {
    ServerStats stats;
    fill(stats);
    const Parsed p = parse_strict(render_metrics(stats));
    EXPECT_EQ(p.at("mcp_server_open_connections", {{"transport", "ws"}}), 3);
    EXPECT_EQ(p.at("mcp_server_open_connections", {{"transport", "http"}}), 5);
    EXPECT_EQ(p.at("mcp_server_open_connections", {{"transport", "stdio"}}), 1);
    EXPECT_EQ(p.at("mcp_server_connections_opened_total", {{"transport", "ws"}}), 7);
    EXPECT_EQ(p.at("mcp_server_connections_refused_total"), 11);
    EXPECT_EQ(p.at("mcp_server_http_connections"), 13);
    EXPECT_EQ(p.at("mcp_server_http_streams"), 17);
    EXPECT_EQ(p.at("mcp_server_http_requests_total"), 19);
    EXPECT_EQ(p.at("mcp_server_messages_received_total"), 23);
    EXPECT_EQ(p.at("mcp_server_tool_calls_total"), 29);
    EXPECT_EQ(p.at("mcp_server_calls_in_flight"), 31);
    EXPECT_EQ(p.at("mcp_server_generations_in_flight"), 37);
    EXPECT_EQ(p.at("mcp_server_saves_in_flight"), 41);
    EXPECT_EQ(p.at("mcp_server_tokens_relayed_total"), 43);
    EXPECT_EQ(p.at("mcp_server_budgets_exceeded_total"), 47);
    EXPECT_EQ(p.at("mcp_server_calls_cancelled_total"), 53);
    EXPECT_EQ(p.at("mcp_server_calls_refused_total"), 59);
    EXPECT_EQ(p.at("mcp_server_slow_clients_dropped_total"), 61);
    EXPECT_EQ(p.at("mcp_server_internal_errors_total"), 67);
    EXPECT_EQ(p.at("mcp_server_messages_in_handling"), 71);
    EXPECT_EQ(p.at("mcp_server_upstream_errors_total", {{"kind", "timeout"}}), 2);
    EXPECT_EQ(p.at("mcp_server_upstream_errors_total", {{"kind", "unreachable"}}), 1);
    EXPECT_EQ(p.at("mcp_server_upstream_errors_total", {{"kind", "malformed"}}), 0);
    EXPECT_EQ(p.families.at("mcp_server_upstream_errors_total").samples.size(),
              UpstreamErrors::kKinds - 1)
        << "every kind but 'none', each once";
    EXPECT_EQ(stats.upstream_errors.load(), 3u);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInclusiveBounds) {
    ServerStats stats;
    stats.relay_lag.record(nanoseconds(500));
    stats.relay_lag.record(microseconds(1));  // on the bound: counted in le="1e-06"
    stats.relay_lag.record(nanoseconds(1001));
    stats.relay_lag.record(milliseconds(3));
    stats.relay_lag.record(seconds(20));      // above every bound
    stats.relay_lag.record(nanoseconds(-5));  // a clock read out of order: zero
    stats.save_latency.record(milliseconds(2));
    const Parsed p = parse_strict(render_metrics(stats));
    const std::string b = "mcp_server_relay_lag_seconds_bucket";
    EXPECT_EQ(p.at(b, {{"le", "1e-06"}}), 3);
    EXPECT_EQ(p.at(b, {{"le", "2.5e-06"}}), 4);
    EXPECT_EQ(p.at(b, {{"le", "0.0025"}}), 4);
    EXPECT_EQ(p.at(b, {{"le", "0.005"}}), 5);
    EXPECT_EQ(p.at(b, {{"le", "10"}}), 5);
    EXPECT_EQ(p.at(b, {{"le", "+Inf"}}), 6);
    EXPECT_EQ(p.at("mcp_server_relay_lag_seconds_count"), 6);
    EXPECT_DOUBLE_EQ(p.at("mcp_server_relay_lag_seconds_sum"), 20.003002501);
    EXPECT_EQ(p.at("mcp_server_save_duration_seconds_bucket", {{"le", "0.001"}}), 0);
    EXPECT_EQ(p.at("mcp_server_save_duration_seconds_bucket", {{"le", "0.0025"}}), 1);
    EXPECT_EQ(p.at("mcp_server_save_duration_seconds_count"), 1);
    EXPECT_EQ(p.families.at("mcp_server_relay_lag_seconds").samples.size(),
              LatencyHistogram::kBuckets + 2);
}

TEST(Metrics, AFreshServerExposesZeros) {
    ServerStats stats;
    const Parsed p = parse_strict(render_metrics(stats));
    EXPECT_EQ(p.at("mcp_server_relay_lag_seconds_count"), 0);
    EXPECT_EQ(p.at("mcp_server_relay_lag_seconds_sum"), 0);
    EXPECT_EQ(p.at("mcp_server_tokens_relayed_total"), 0);
}

// The checker itself: each broken exposition is refused, so a passing test means something.
TEST(Metrics, TheCheckerRefusesBrokenExpositions) {
    const std::string head = "# HELP mcp_server_x_total X.\n# TYPE mcp_server_x_total counter\n";
    const std::string hist =
        "# HELP mcp_server_h_seconds H.\n# TYPE mcp_server_h_seconds histogram\n";
    EXPECT_NO_THROW(parse_strict(head + "mcp_server_x_total 1\n"));
    const std::vector<std::string> broken = {
        "mcp_server_x_total 1\n",                                                 // no HELP/TYPE
        "# HELP mcp_server_x_total X.\nmcp_server_x_total 1\n",                   // no TYPE
        head + "mcp_server_x_total 1",                                            // no last newline
        head + "mcp_server_x_total  1\n",                                         // two spaces
        head + "mcp_server_x_total one\n",                                        // not a number
        head + "mcp_server_x_total 1 2 3\n",                                      // trailing junk
        head + "mcp_server_x_total{kind=timeout} 1\n",                            // unquoted
        head + "mcp_server_x_total{kind=\"a\",kind=\"b\"} 1\n",                   // label twice
        head + "mcp_server_x_total{kind=\"a\" 1\n",                               // unclosed
        head + "mcp_server_x_total 1\nmcp_server_x_total 2\n",                    // series twice
        head + "mcp_server_y_total 1\n",                                          // other family
        head + "\nmcp_server_x_total 1\n",                                        // blank line
        "# HELP mcp_server_x X.\n# TYPE mcp_server_x counter\nmcp_server_x 1\n",  // no _total
        "# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n",                 // no prefix
        head,                                                                     // no sample
        hist +
            "mcp_server_h_seconds_bucket{le=\"1\"} 2\n"
            "mcp_server_h_seconds_bucket{le=\"+Inf\"} 1\n"
            "mcp_server_h_seconds_sum 1\nmcp_server_h_seconds_count 1\n",  // not cumulative
        hist +
            "mcp_server_h_seconds_bucket{le=\"1\"} 1\n"
            "mcp_server_h_seconds_bucket{le=\"+Inf\"} 2\n"
            "mcp_server_h_seconds_sum 1\nmcp_server_h_seconds_count 3\n",  // count != +Inf
        hist +
            "mcp_server_h_seconds_bucket{le=\"1\"} 1\n"
            "mcp_server_h_seconds_sum 1\nmcp_server_h_seconds_count 1\n",  // no +Inf
        hist +
            "mcp_server_h_seconds_bucket{le=\"+Inf\"} 1\n"
            "mcp_server_h_seconds_count 1\n",  // no _sum
    };
    for (const auto& text : broken) {
        EXPECT_THROW(parse_strict(text), std::runtime_error) << text;
    }
}

}  // namespace
