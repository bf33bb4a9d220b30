// mock-ollama's model-list endpoints without sockets: /api/pull, /api/push, /api/create,
// /api/copy, /api/delete, /api/blobs/<digest>, /v1/models/<id>, /v1/embeddings and
// /v1/completions, with bodies and path tails from the input, several requests against one
// Api so that what one adds another reads or removes (a finished pull or create is applied
// as the stream's end would apply it). Nothing may throw out, every reply must be well-formed
// (mock_fuzz_checks.hpp), and the list stays within its cap.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "mock_fuzz_checks.hpp"
#include "mock_ollama/api.hpp"

namespace {

constexpr const char* kMethods[] = {"POST", "GET", "HEAD", "DELETE"};
// A path tail follows the ones ending in '/'.
constexpr const char* kPaths[] = {"/api/pull",       "/api/push",   "/api/create", "/api/copy",
                                  "/api/delete",     "/api/blobs/", "/v1/models/", "/v1/embeddings",
                                  "/v1/completions", "/api/tags"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    mock_ollama::MockConfig config;
    config.runtime.pacing.tokens = 20;
    if (in.ConsumeBool()) config.runtime.pull_fail = {"ghost"};
    mock_ollama::Stats stats;
    mock_ollama::RequestLog log(16);
    mock_ollama::Api api(config, stats, log, common::Logger("fuzz", common::LogLevel::off));

    for (int i = 0; i < 4 && in.remaining_bytes() > 0; ++i) {
        mock_ollama::HttpRequest req;
        req.method = in.PickValueInArray(kMethods);
        req.target = in.PickValueInArray(kPaths);
        if (req.target.ends_with('/')) req.target += in.ConsumeRandomLengthString(80);
        req.keep_alive = in.ConsumeBool();
        req.body = i == 3 ? in.ConsumeRemainingBytesAsString() : in.ConsumeRandomLengthString();
        auto out = api.handle(req, 1'700'000'000'000'000);
        mock_fuzz::check_outcome(out, req.method == "HEAD");
        mock_fuzz::check_no_internal_error(api);
        if (auto* g = std::get_if<mock_ollama::Generation>(&out); g && g->on_success) {
            g->on_success();
        }
    }
    return 0;
}
