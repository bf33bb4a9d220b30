// Hot paths of mock-ollama, in process: token generation (once per request), the emission
// schedule (once per request), the NDJSON token line and its timestamp (once per token per
// stream), and the lateness histogram (once per token, from every I/O thread).
#include <chrono>
#include <string>

#include <benchmark/benchmark.h>

#include "common/clock.hpp"
#include "common/histogram.hpp"
#include "mock_ollama/config.hpp"
#include "mock_ollama/schedule.hpp"
#include "mock_ollama/textgen.hpp"
#include "mock_ollama/wire.hpp"

namespace {

constexpr std::string_view kPrompt =
    "Name: Ada Lovelace\nAge: 54\nSex: F\nSymptoms: chest pain, shortness of breath\n"
    "Medications: aspirin; metformin\nHistory: hypertension";

void BM_GenerateTokens(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    const mock_ollama::TextOptions options;  // clinical, the mock's default
    std::uint64_t seed = 0;
    for (auto _ : state) {
        auto tokens = mock_ollama::generate_tokens(seed++, "phi:latest", kPrompt, count, options);
        benchmark::DoNotOptimize(tokens.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));  // tokens per second
}
BENCHMARK(BM_GenerateTokens)->Arg(100)->Arg(1000);

void BM_NdjsonToken(benchmark::State& state) {
    const std::string created_at = "2024-05-01T12:34:56.123456789Z";
    for (auto _ : state) {
        auto line = mock_ollama::ndjson_token(mock_ollama::ApiKind::generate, "phi:latest",
                                              created_at, " tachycardia");
        benchmark::DoNotOptimize(line.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NdjsonToken);

// The created_at stamp of every token line (gmtime_r + snprintf).
void BM_Rfc3339Nanos(benchmark::State& state) {
    for (auto _ : state) {
        auto stamp = common::rfc3339_nanos(common::SystemClock::now());
        benchmark::DoNotOptimize(stamp.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rfc3339Nanos);

// What a stream really does per token: timestamp, line, chunk framing.
void BM_NdjsonTokenChunk(benchmark::State& state) {
    for (auto _ : state) {
        const auto created = common::rfc3339_nanos(common::SystemClock::now());
        auto line = mock_ollama::ndjson_token(mock_ollama::ApiKind::generate, "phi:latest", created,
                                              " tachycardia");
        std::string framed;
        mock_ollama::append_chunk(framed, line);
        benchmark::DoNotOptimize(framed.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NdjsonTokenChunk);

void BM_EmissionOffsets(benchmark::State& state) {
    const auto count = static_cast<std::size_t>(state.range(0));
    mock_ollama::Pacing pacing;
    pacing.ttft = std::chrono::milliseconds(200);
    pacing.tps = 20;
    pacing.jitter = 0.1;
    const std::vector<double> no_script;
    std::uint64_t key = 1;
    for (auto _ : state) {
        auto offsets = mock_ollama::emission_offsets(key++, pacing, count, 1.0, no_script);
        benchmark::DoNotOptimize(offsets.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_EmissionOffsets)->Arg(1000);

// One histogram shared by the benchmark threads, as the mock's I/O threads share theirs.
common::Histogram g_histogram;

void BM_HistogramRecord(benchmark::State& state) {
    std::int64_t v = 1'000 + state.thread_index() * 7;
    for (auto _ : state) {
        g_histogram.record(v);
        v = (v * 1103515245 + 12345) & 0x3ffffff;  // spread over ~0..67 ms in ns
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
