// Bytes -> POST /_mock/requests's query (parse_log_query) and the filter over a small log:
// refused with a message, or a query whose filter keeps only requests with one of its lines.
// A crash, UB, an exception or a kept request without such a line is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <variant>

#include "mock_ollama/log_query.hpp"
#include "mock_ollama/request_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    mock_ollama::RequestLog log(8);
    for (int i = 0; i < 4; ++i) {
        auto r = std::make_shared<mock_ollama::RequestRecord>();
        r->prompt = in.ConsumeRandomLengthString(64);
        log.add(r);
    }
    const auto parsed = mock_ollama::parse_log_query(in.ConsumeRemainingBytesAsString(), 8);
    if (const auto* err = std::get_if<std::string>(&parsed)) {
        if (err->empty()) std::abort();
        return 0;
    }
    const auto& q = std::get<mock_ollama::LogQuery>(parsed);
    const auto out = log.snapshot(q);
    const auto& requests = out.at("requests");
    if (requests.size() > q.limit) std::abort();
    for (const auto& r : requests) {
        if (r.at("id").get<std::uint64_t>() <= q.since) std::abort();
        if (!q.wants(r.at("prompt").get<std::string>())) std::abort();
    }
    return 0;
}
