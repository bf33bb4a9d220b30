// An exception in a request handler or in any completion handler must never end the process:
// the request gets a 500 and the event loop runs on.
#include "mock_ollama/handler_guard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "common/utf8.hpp"

namespace {

using namespace mock_ollama;
using ::testing::StartsWith;

HttpRequest request() {
    HttpRequest r;
    r.method = "POST";
    r.target = "/api/generate?x=1";
    return r;
}

std::string body_of(const Outcome& out) {
    const auto& bytes = std::get<Reply>(out).bytes;
    return bytes.substr(bytes.find("\r\n\r\n") + 4);
}

const common::Logger kQuiet("t", common::LogLevel::off);

TEST(MockHandlerGuard, AnExceptionBecomesA500WithAClearMessage) {
    const auto out = guard_handler(request(), kQuiet,
                                   []() -> Outcome { throw std::runtime_error("boom \xff"); });
    ASSERT_TRUE(std::holds_alternative<Reply>(out));
    EXPECT_THAT(std::get<Reply>(out).bytes, StartsWith("HTTP/1.1 500 Internal Server Error\r\n"));
    const auto body = body_of(out);
    EXPECT_TRUE(common::utf8::valid(body)) << body;
    EXPECT_EQ(nlohmann::json::parse(body)["error"],
              "mock-ollama internal error while handling POST /api/generate: boom \\xFF");
}

TEST(MockHandlerGuard, ANonStandardExceptionBecomesA500Too) {
    const auto out = guard_handler(request(), kQuiet, []() -> Outcome { throw 42; });
    EXPECT_EQ(nlohmann::json::parse(body_of(out))["error"],
              "mock-ollama internal error while handling POST /api/generate: unknown exception");
}

TEST(MockHandlerGuard, AnOrdinaryOutcomePassesThrough) {
    const auto out = guard_handler(request(), kQuiet, [] { return Outcome{Reply{"x", true}}; });
    EXPECT_EQ(std::get<Reply>(out).bytes, "x");
    EXPECT_TRUE(std::get<Reply>(out).close);
}

TEST(MockHandlerGuard, TheEventLoopOutlivesAThrowingCompletionHandler) {
    boost::asio::io_context io;
    int ran = 0;
    boost::asio::post(io, [] { throw std::logic_error("handler bug"); });
    boost::asio::post(io, [&] { ++ran; });
    boost::asio::post(io, [] { throw 7; });
    boost::asio::post(io, [&] { ++ran; });
    run_event_loop(io, kQuiet);  // returns once the work is done
    EXPECT_EQ(ran, 2);
}

}  // namespace
