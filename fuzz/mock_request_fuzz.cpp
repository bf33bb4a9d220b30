// mock-ollama's request handling without sockets: a method, a route, X-Mock-* and admin
// headers and a JSON-ish body, all from the input, into Api::handle (every route, the admin
// API included). Nothing may throw out, and every reply must be well-formed
// (mock_fuzz_checks.hpp).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "mock_fuzz_checks.hpp"
#include "mock_ollama/api.hpp"

namespace {

constexpr const char* kMethods[] = {"POST", "GET", "HEAD", "PUT", "DELETE"};
constexpr const char* kPaths[] = {"/api/generate",
                                  "/api/chat",
                                  "/v1/chat/completions",
                                  "/_mock/config",
                                  "/api/show",
                                  "/api/embed",
                                  "/api/embeddings",
                                  "/api/tags",
                                  "/api/ps",
                                  "/api/version",
                                  "/v1/models",
                                  "/_mock/stats",
                                  "/_mock/requests",
                                  "/_mock/reset",
                                  "/metrics",
                                  "/",
                                  "/_mock/nope",
                                  "/nope"};
constexpr const char* kHeaders[] = {"X-Mock-TTFT-Ms", "X-Mock-TPS",   "X-Mock-Jitter",
                                    "X-Mock-Tokens",  "X-Mock-Seed",  "X-Mock-Hostile-Rate",
                                    "X-Mock-Profile", "X-Mock-Fault", "Content-Type",
                                    "Origin",         "Authorization"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    mock_ollama::MockConfig config;
    config.runtime.pacing.tokens = 20;  // keeps a run fast; requests may still ask for more
    if (in.ConsumeBool()) config.admin_token = "tok";
    mock_ollama::Stats stats;
    mock_ollama::RequestLog log(16);
    mock_ollama::Api api(config, stats, log, common::Logger("fuzz", common::LogLevel::off));

    // Up to three requests against the same Api: a config change then a generation.
    for (int i = 0; i < 3 && in.remaining_bytes() > 0; ++i) {
        mock_ollama::HttpRequest req;
        req.method = in.PickValueInArray(kMethods);
        req.target = in.PickValueInArray(kPaths);
        if (in.ConsumeBool()) req.target += "?" + in.ConsumeRandomLengthString(32);
        req.keep_alive = in.ConsumeBool();
        if (in.ConsumeBool()) req.headers.push_back({"Content-Type", "application/json"});
        const int headers = in.ConsumeIntegralInRange(0, 4);
        for (int h = 0; h < headers; ++h) {
            req.headers.push_back(
                {in.PickValueInArray(kHeaders), in.ConsumeRandomLengthString(64)});
        }
        req.body = i == 2 ? in.ConsumeRemainingBytesAsString() : in.ConsumeRandomLengthString();
        const auto out = api.handle(req, 1'700'000'000'000'000);
        mock_fuzz::check_outcome(out, req.method == "HEAD");
        mock_fuzz::check_no_internal_error(api);
    }
    return 0;
}
