#include "ops/metrics.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <type_traits>
#include <variant>

namespace core {

namespace {

// Appends one exposition: each family's HELP and TYPE once, then its samples.
class Exposition {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;  // constant text of ours: no backslash or newline to escape
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }

    // `labels`: empty, or `key="value",...` of constant text (no escaping needed).
    template <class Number>
    void sample(std::string_view name, std::string_view labels, Number value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        append_number(value);
        out_ += '\n';
    }

    void histogram(std::string_view name, std::string_view help, const LatencyHistogram& h) {
        family(name, "histogram", help);
        const auto snap = h.snapshot();
        const std::string bucket = std::string(name) + "_bucket";
        std::uint64_t cumulative = 0;
        std::string le;
        for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
            cumulative += snap.buckets[i];
            le = "le=\"";
            if (i < LatencyHistogram::kBoundsNs.size()) {
                append_double(le, seconds(LatencyHistogram::kBoundsNs[i]));
            } else {
                le += "+Inf";
            }
            le += '"';
            sample(bucket, le, cumulative);
        }
        sample(std::string(name) + "_sum", {}, seconds(snap.sum_ns));
        sample(std::string(name) + "_count", {}, cumulative);  // equals the +Inf bucket
    }

    std::string take() { return std::move(out_); }

  private:
    static double seconds(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

    // The shortest text that reads back as the same double, %g style as Prometheus's own
    // clients write it ("1e-06", "0.0001", "0.25", "10").
    static void append_double(std::string& out, double v) {
        std::array<char, 32> buf{};
        const auto r =
            std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general);
        out.append(buf.data(), r.ptr);
    }
    void append_number(double v) { append_double(out_, v); }
    void append_number(std::uint64_t v) { out_ += std::to_string(v); }
    void append_number(std::int64_t v) { out_ += std::to_string(v); }

    std::string out_;
};

// The upstream error kinds exposed: every OllamaError but `none`.
constexpr std::array kUpstreamKinds = {
    OllamaError::unreachable, OllamaError::http_status,  OllamaError::error_line,
    OllamaError::malformed,   OllamaError::disconnected, OllamaError::timeout,
    OllamaError::deadline,    OllamaError::cancelled,
};
static_assert(kUpstreamKinds.size() + 1 == UpstreamErrors::kKinds,
              "a new OllamaError kind must be exposed in /metrics");

std::int64_t value(const std::atomic<std::int64_t>& a) {
    return a.load(std::memory_order_relaxed);
}
std::uint64_t value(const std::atomic<std::uint64_t>& a) {
    return a.load(std::memory_order_relaxed);
}

// A metric without labels: a counter is a uint64_t field, a gauge an int64_t one.
struct Scalar {
    std::string_view name;
    std::string_view help;
    std::variant<std::atomic<std::uint64_t> ServerStats::*,
                 std::atomic<std::int64_t> ServerStats::*>
        field;
};

// In the order they are exposed (after the labelled connection families).
const Scalar kScalars[] = {
    {"mcp_server_connections_refused_total", "Connections refused at --max-connections.",
     &ServerStats::connections_refused},
    {"mcp_server_http_connections", "HTTP connections open that are not (yet) a WebSocket.",
     &ServerStats::http_connections},
    {"mcp_server_http_streams", "Streamable HTTP SSE responses streaming now.",
     &ServerStats::http_streams},
    {"mcp_server_http_requests_total", "Streamable HTTP requests (POST, GET, DELETE) handled.",
     &ServerStats::http_requests_total},
    {"mcp_server_messages_received_total",
     "JSON-RPC messages received (requests, notifications, responses, invalid ones).",
     &ServerStats::requests},
    {"mcp_server_tool_calls_total", "tools/call requests with valid arguments.",
     &ServerStats::tool_calls},
    {"mcp_server_messages_in_handling",
     "Messages being handled right now (graceful shutdown waits for them too).",
     &ServerStats::messages_in_handling},
    {"mcp_server_calls_in_flight", "Tool calls admitted and not yet answered.",
     &ServerStats::calls_in_flight},
    {"mcp_server_generations_in_flight",
     "generate_summary calls waiting on Ollama or on their save.",
     &ServerStats::generations_active},
    {"mcp_server_saves_in_flight", "Summary saves queued, not yet durable or failed.",
     &ServerStats::saves_active},
    {"mcp_server_tokens_relayed_total", "Tokens relayed from Ollama to clients.",
     &ServerStats::tokens_relayed},
    {"mcp_server_budgets_exceeded_total",
     "Generations stopped at --max-tokens-per-call or --max-summary-bytes.",
     &ServerStats::budgets_exceeded},
    {"mcp_server_calls_cancelled_total", "Tool calls cancelled by their client.",
     &ServerStats::cancelled},
    {"mcp_server_calls_refused_total", "Tool calls refused at --max-calls-per-connection.",
     &ServerStats::calls_refused},
    {"mcp_server_slow_clients_dropped_total", "Connections dropped for not reading their frames.",
     &ServerStats::slow_clients_dropped},
    {"mcp_server_internal_errors_total",
     "Requests answered with an internal error (a handler threw).", &ServerStats::internal_errors},
};

}  // namespace

std::string render_metrics(const ServerStats& s) {
    Exposition e;
    e.family("mcp_server_open_connections", "gauge", "Client connections open now, by transport.");
    e.sample("mcp_server_open_connections", R"(transport="ws")", value(s.connections));
    e.sample("mcp_server_open_connections", R"(transport="http")", value(s.http_sessions));
    e.sample("mcp_server_open_connections", R"(transport="stdio")", value(s.stdio_sessions));
    e.family("mcp_server_connections_opened_total", "counter",
             "Client connections opened since start, by transport.");
    e.sample("mcp_server_connections_opened_total", R"(transport="ws")",
             value(s.connections_total));
    for (const auto& m : kScalars) {
        std::visit(
            [&](auto field) {
                const auto v = value(s.*field);
                e.family(m.name, std::is_signed_v<decltype(v)> ? "gauge" : "counter", m.help);
                e.sample(m.name, {}, v);
            },
            m.field);
    }
    e.family("mcp_server_upstream_errors_total", "counter",
             "Generations that failed upstream (Ollama), by kind.");
    std::string kind;
    for (const auto k : kUpstreamKinds) {
        kind = "kind=\"";
        kind += to_string(k);
        kind += '"';
        e.sample("mcp_server_upstream_errors_total", kind, s.upstream_errors.of(k));
    }
    e.histogram("mcp_server_relay_lag_seconds",
                "From reading a token from Ollama to handing its frame to the transport.",
                s.relay_lag);
    e.histogram("mcp_server_save_duration_seconds",
                "From queueing a summary save to its answer (durable, or failed).", s.save_latency);
    return e.take();
}

}  // namespace core
