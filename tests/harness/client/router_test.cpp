#include "harness/router.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace harness {
namespace {

CallRecord call(std::string id, std::string progress_token = {}) {
    CallRecord r;
    r.id = std::move(id);
    r.method = "tools/call";
    r.progress_token = std::move(progress_token);
    return r;
}

struct Recorder {
    std::map<std::string, CallRecord> done;
    std::vector<Frame> other;
    std::vector<std::string> token_order;  // "id:text" as the handlers saw them

    void expect(Router& router, CallRecord r, bool keep = true) {
        router.expect(
            std::move(r),
            [this](const CallRecord& c, const TokenArrival& t) {
                token_order.push_back(c.id + ":" + t.text);
            },
            [this](CallRecord c) { done[c.id] = std::move(c); }, keep);
    }
};

Arrival at(std::int64_t us) {
    return {us, 1'700'000'000'000'000 + us};
}

TEST(Router, InterleavedLegacyAndProgressStreamsReachTheirCalls) {
    Router router;
    Recorder rec;
    router.on_other([&](const Frame& f) { rec.other.push_back(f); });
    rec.expect(router, call("1"));              // legacy frames
    rec.expect(router, call("2", "\"pt-2\""));  // progress notifications
    router.sent("1", at(100));
    router.sent("2", at(110));

    // Recorded from a server streaming both calls on one connection.
    const char* frames[] = {
        R"({"type":"stream_token","token":"A","position":1,"id":1})",
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-2","progress":1,"message":"x"}})",
        R"({"type":"stream_token","token":"é","position":2,"id":1})",
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-2","progress":2,"message":"y"}})",
        R"({"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"xy"}],"isError":false}})",
        R"({"type":"stream_token","token":" ","position":3,"id":1})",
        R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Aé"}],"isError":false}})",
    };
    std::int64_t t = 1000;
    for (const char* f : frames) router.route(f, at(t += 10));

    ASSERT_EQ(rec.done.size(), 2u);
    EXPECT_EQ(router.in_flight(), 0u);
    const auto& legacy = rec.done["1"];
    ASSERT_EQ(legacy.tokens.size(), 3u);
    EXPECT_EQ(legacy.streamed_text(), "Aé ");
    EXPECT_EQ(legacy.tokens[1].position, 2);
    EXPECT_EQ(legacy.tokens[0].form, StreamForm::legacy);
    EXPECT_EQ(legacy.sent_steady_us, 100);
    EXPECT_EQ(legacy.first_token_steady_us, 1010);
    EXPECT_EQ(legacy.response_steady_us, 1070);
    EXPECT_TRUE(legacy.ok());

    const auto& progress = rec.done["2"];
    ASSERT_EQ(progress.tokens.size(), 2u);
    EXPECT_EQ(progress.streamed_text(), "xy");
    EXPECT_EQ(progress.tokens[1].progress, 2);
    EXPECT_EQ(progress.tokens[1].form, StreamForm::progress);
    EXPECT_EQ(progress.result_text(), "xy");

    EXPECT_EQ((std::vector<std::string>{"1:A", "2:x", "1:é", "2:y", "1: "}), rec.token_order);
    EXPECT_TRUE(rec.other.empty());
    EXPECT_EQ(router.counters().tokens, 5u);
    EXPECT_EQ(router.counters().responses, 2u);
}

TEST(Router, TokensAfterTheResponseAreUnrouted) {
    Router router;
    Recorder rec;
    router.on_other([&](const Frame& f) { rec.other.push_back(f); });
    rec.expect(router, call("5", "\"pt-5\""));
    router.route(R"({"jsonrpc":"2.0","id":5,"result":{}})", at(1));
    router.route(
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-5","progress":1,"message":"late"}})",
        at(2));
    router.route(R"({"type":"stream_token","token":"x","position":1,"id":5})", at(3));
    router.route(R"({"jsonrpc":"2.0","id":77,"result":{}})", at(4));
    EXPECT_EQ(router.counters().unrouted, 3u);
    ASSERT_EQ(rec.other.size(), 3u);
    EXPECT_EQ(rec.other[0].text, "late");
    EXPECT_EQ(rec.done["5"].token_count, 0u);
}

// A progress token streamed to, then its call ended: a late token is unrouted, and a new call
// given the same token gets the tokens from then on.
TEST(Router, AProgressTokenIsTheCallsOnlyWhileItIsInFlight) {
    Router router;
    Recorder rec;
    router.on_other([&](const Frame& f) { rec.other.push_back(f); });
    const auto token = [&](const char* text, std::int64_t us) {
        router.route(
            std::string(
                R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-1","progress":1,"message":")") +
                text + R"("}})",
            at(us));
    };
    rec.expect(router, call("1", "\"pt-1\""));
    token("a", 1);
    router.route(R"({"jsonrpc":"2.0","id":1,"result":{}})", at(2));
    token("late", 3);
    rec.expect(router, call("2", "\"pt-1\""));
    token("b", 4);
    router.route(R"({"jsonrpc":"2.0","id":2,"result":{}})", at(5));
    EXPECT_EQ(rec.token_order, (std::vector<std::string>{"1:a", "2:b"}));
    ASSERT_EQ(rec.other.size(), 1u);
    EXPECT_EQ(rec.other[0].text, "late");
    EXPECT_EQ(rec.done["1"].token_count, 1u);
    EXPECT_EQ(rec.done["2"].token_count, 1u);
}

// A second call given a token still in use takes it over (the later call owns the token).
TEST(Router, ANewCallWithATokenInUseTakesItOver) {
    Router router;
    Recorder rec;
    const std::string note =
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-1","progress":1,"message":"t"}})";
    rec.expect(router, call("1", "\"pt-1\""));
    router.route(note, at(1));
    rec.expect(router, call("2", "\"pt-1\""));
    router.route(note, at(2));
    EXPECT_EQ(rec.token_order, (std::vector<std::string>{"1:t", "2:t"}));
}

TEST(Router, LegacyFramesWithoutIdGoToTheOnlyLegacyCall) {
    Router router;
    Recorder rec;
    rec.expect(router, call("1"));
    rec.expect(router, call("2", "\"pt-2\""));
    router.route(R"({"type":"stream_token","token":"Hi","position":2})", at(1));
    EXPECT_EQ(router.counters().tokens, 1u);
    // With two legacy calls in flight, a frame without an id belongs to neither.
    rec.expect(router, call("3"));
    router.route(R"({"type":"stream_token","token":"?","position":1})", at(2));
    EXPECT_EQ(router.counters().unrouted, 1u);
    router.route(R"({"jsonrpc":"2.0","id":1,"result":{}})", at(3));
    EXPECT_EQ(rec.done["1"].streamed_text(), "Hi");
}

TEST(Router, CountsWithoutKeepingTokens) {
    Router router;
    Recorder rec;
    rec.expect(router, call("1", "\"p\""), /*keep=*/false);
    for (int i = 1; i <= 3; ++i) {
        router.route(
            R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":)" +
                std::to_string(i) + R"(,"message":"t"}})",
            at(10 * i));
    }
    router.route(R"({"jsonrpc":"2.0","id":1,"result":{}})", at(50));
    const auto& r = rec.done["1"];
    EXPECT_TRUE(r.tokens.empty());
    EXPECT_EQ(r.token_count, 3u);
    EXPECT_EQ(r.first_token_steady_us, 10);
    EXPECT_EQ(r.last_token_steady_us, 30);
    EXPECT_EQ(rec.token_order.size(), 3u);  // the handler still sees each token
}

TEST(Router, FailAllEndsEveryCallWithTheError) {
    Router router;
    Recorder rec;
    rec.expect(router, call("1"));
    rec.expect(router, call("2", "\"pt-2\""));
    router.fail_all("connection lost: reset", at(9));
    ASSERT_EQ(rec.done.size(), 2u);
    EXPECT_EQ(rec.done["2"].error, "connection lost: reset");
    EXPECT_FALSE(rec.done["2"].ok());
    EXPECT_EQ(rec.done["2"].failure(), "connection lost: reset");
    EXPECT_EQ(router.in_flight(), 0u);
    // The progress token is free again: a late frame is unrouted, not misrouted.
    router.route(
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-2","progress":1,"message":"x"}})",
        at(10));
    EXPECT_EQ(router.counters().unrouted, 1u);
}

// A token handler may end its own call (here: fail it, as a deadline would): what the
// handler's closure holds must live until it returns (ASan sees it otherwise). Its
// arguments go with the call's record.
TEST(Router, ATokenHandlerMayEndItsOwnCall) {
    Router router;
    std::vector<std::string> seen;
    std::string ended;
    CallRecord r = call("7", "\"pt-7\"");
    const std::string mine(64, 'm');  // heap storage, copied into the closure
    router.expect(
        std::move(r),
        [&router, &seen, mine](const CallRecord& c, const TokenArrival& t) {
            const std::string text = t.text;  // the call's record goes with the call
            router.fail(c.id, "ended by its token", at(2));
            seen.push_back(mine + text);  // the closure, used after its call ended
        },
        [&ended](CallRecord c) { ended = c.error; }, true);
    router.route(
        R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"pt-7","progress":1,"message":"x"}})",
        at(1));
    EXPECT_EQ(ended, "ended by its token");
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], std::string(64, 'm') + "x");
    EXPECT_EQ(router.in_flight(), 0u);
}

TEST(Router, ToolErrorsAndRpcErrorsAreNotOk) {
    Router router;
    Recorder rec;
    rec.expect(router, call("1"));
    rec.expect(router, call("2"));
    router.route(
        R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Patient not found: P9"}],"isError":true}})",
        at(1));
    router.route(R"({"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"bad"}})", at(2));
    EXPECT_FALSE(rec.done["1"].ok());
    EXPECT_EQ(rec.done["1"].failure(), "tool error: Patient not found: P9");
    EXPECT_FALSE(rec.done["2"].ok());
    EXPECT_NE(rec.done["2"].failure().find("-32602"), std::string::npos);
}

}  // namespace
}  // namespace harness
