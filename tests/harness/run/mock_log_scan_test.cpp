// scan_mock_requests against nlohmann's reading of the same page: equal on what the mock
// writes, declining (with nothing appended) on anything else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/mock_admin.hpp"

namespace {

using harness::MockRequest;
using harness::scan_mock_requests;

// What the mock writes, with escapes, a surrogate pair, and keys the harness does not read.
constexpr const char* kPage = R"({"requests":[
  {"id":7,"endpoint":"/api/generate","model":"phi","prompt":"Name: Ada\nAge: 54",
   "outcome":"completed","done_reason":"stop","fault":"","text":"Ada \u00e9 \"q\"",
   "stream":true,"status":200,"received_us":1733350000000000,"options":{"seed":[1,2]},
   "tokens":[{"i":0,"text":"Ada","t_us":1733350000200000,"scheduled_us":1733350000199000},
             {"i":1,"text":" \ud83d\ude00","t_us":1733350000220000,"scheduled_us":-5}]},
  {"id":8,"endpoint":"/api/chat","stream":false,"status":500,"tokens":[]}
], "next": 9})";

void expect_same(const MockRequest& a, const MockRequest& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.endpoint, b.endpoint);
    EXPECT_EQ(a.model, b.model);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.done_reason, b.done_reason);
    EXPECT_EQ(a.fault, b.fault);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.stream, b.stream);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.received_us, b.received_us);
    ASSERT_EQ(a.tokens.size(), b.tokens.size());
    for (std::size_t i = 0; i < a.tokens.size(); ++i) {
        EXPECT_EQ(a.tokens[i].index, b.tokens[i].index);
        EXPECT_EQ(a.tokens[i].text, b.tokens[i].text);
        EXPECT_EQ(a.tokens[i].t_us, b.tokens[i].t_us);
        EXPECT_EQ(a.tokens[i].scheduled_us, b.tokens[i].scheduled_us);
    }
}

TEST(MockLogScan, ReadsAPageAsNlohmannDoes) {
    std::vector<MockRequest> out;
    ASSERT_TRUE(scan_mock_requests(kPage, out));
    const auto j = nlohmann::json::parse(kPage);
    ASSERT_EQ(out.size(), 2u);
    for (std::size_t i = 0; i < out.size(); ++i) {
        expect_same(out[i], harness::parse_mock_request(j["requests"][i]));
    }
    EXPECT_EQ(out[0].text, "Ada \xc3\xa9 \"q\"");
    EXPECT_EQ(out[0].tokens[1].text, " \xf0\x9f\x98\x80");
    EXPECT_EQ(out[0].tokens[1].scheduled_us, -5);
}

TEST(MockLogScan, AppendsAfterWhatIsThere) {
    std::vector<MockRequest> out(1);
    out[0].id = 1;
    ASSERT_TRUE(scan_mock_requests(R"({"requests":[{"id":2}]})", out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].id, 1u);
    EXPECT_EQ(out[1].id, 2u);
    ASSERT_TRUE(scan_mock_requests(R"({"requests":[]})", out));
    EXPECT_EQ(out.size(), 2u);
}

TEST(MockLogScan, DeclinesAnythingElseAndAppendsNothing) {
    for (const char* page : {
             "",
             "[]",
             "{}",                                            // no requests
             R"({"requests":{}})",                            // not an array
             R"({"requests":[{"id":1}]} x)",                  // trailing text
             R"({"requests":[{"id":1})",                      // truncated
             R"({"requests":[{"id":"1"}]})",                  // id a string
             R"({"requests":[{"id":-1}]})",                   // id negative
             R"({"requests":[{"id":1.5}]})",                  // id a fraction
             R"({"requests":[{"id":1e3}]})",                  // id an exponent
             R"({"requests":[{"stream":1}]})",                // stream not a boolean
             R"({"requests":[{"status":99999999999}]})",      // status beyond int
             R"({"requests":[{"text":"\x"}]})",               // a bad escape
             R"({"requests":[{"text":"\ud83d"}]})",           // an unpaired surrogate
             R"({"requests":[{"tokens":{}}]})",               // tokens not an array
             R"({"requests":[{"tokens":[{"i":-1}]}]})",       // token index negative
             R"({"requests":[{"tokens":[{"text":3}]}]})",     // token text a number
             R"({"requests":[{"tokens":[{"t_us":null}]}]})",  // token time null
             R"({"requests":[1]})",                           // a request not an object
             R"({"requests":[{"i\u0064":1}]})",               // an escaped key
             R"({"requests":[{"x":"\ud800"}]})",              // a surrogate, unread
             R"({"requests":[{"x":[{"y":"\q"}]}]})",          // a bad escape, nested
             "{\"requests\":[{\"x\xff\":1}]}",                // invalid UTF-8, unread
             R"({"requests":[],"next":1e999})",               // a number beyond a double
         }) {
        std::vector<MockRequest> out;
        EXPECT_FALSE(scan_mock_requests(page, out)) << page;
        EXPECT_TRUE(out.empty()) << page;
    }
}

}  // namespace
