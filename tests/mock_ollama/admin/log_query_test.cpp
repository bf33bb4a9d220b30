// POST /_mock/requests's query: the body parsed (every malformed shape refused with a
// message), and the log filtered to the requests whose prompt has one of the given lines.
#include "mock_ollama/log_query.hpp"

#include <gtest/gtest.h>

#include "mock_ollama/request_log.hpp"

namespace {

using namespace mock_ollama;

std::string refused(std::string_view body) {
    auto q = parse_log_query(body, 50);
    if (const auto* err = std::get_if<std::string>(&q)) return *err;
    return "";
}

TEST(LogQuery, ReadsEveryField) {
    auto q = parse_log_query(
        R"({"since": 7, "limit": 3, "tokens": false, "prompt_lines": ["Name: A", "Name: B"]})", 50);
    ASSERT_TRUE(std::holds_alternative<LogQuery>(q));
    const auto& lq = std::get<LogQuery>(q);
    EXPECT_EQ(lq.since, 7u);
    EXPECT_EQ(lq.limit, 3u);
    EXPECT_FALSE(lq.tokens);
    EXPECT_EQ(lq.prompt_lines.size(), 2u);
    const auto defaults = std::get<LogQuery>(parse_log_query("{}", 50));
    EXPECT_EQ(defaults.since, 0u);
    EXPECT_EQ(defaults.limit, 50u);  // the log's own limit when none is asked
    EXPECT_TRUE(defaults.tokens);
    EXPECT_TRUE(defaults.prompt_lines.empty());
}

TEST(LogQuery, RefusesMalformedBodies) {
    EXPECT_EQ(refused(""), "missing request body");
    EXPECT_NE(refused("{").find("invalid JSON"), std::string::npos);
    EXPECT_EQ(refused("[]"), "json: cannot unmarshal array into Go value of type object");
    EXPECT_EQ(refused(R"({"since": -1})"), "since: expected a non-negative integer");
    EXPECT_EQ(refused(R"({"since": 1.5})"), "since: expected a non-negative integer");
    EXPECT_EQ(refused(R"({"limit": "3"})"), "limit: expected a non-negative integer");
    EXPECT_EQ(refused(R"({"tokens": 1})"), "tokens: expected true or false");
    EXPECT_EQ(refused(R"({"prompt_lines": "Name: A"})"),
              "prompt_lines: expected an array of strings");
    EXPECT_EQ(refused(R"({"prompt_lines": ["Name: A", 3]})"),
              "prompt_lines: expected an array of strings");
    EXPECT_EQ(refused(R"({"prompt_lines": []})"),
              "prompt_lines: empty (leave it out to get every request)");
    EXPECT_EQ(refused(R"({"sinse": 1})"),
              "unknown key 'sinse'; valid: since, limit, tokens, prompt_lines");
    EXPECT_NE(refused(R"({"since": 1e999})"), "");
    EXPECT_EQ(refused(R"({"since": 18446744073709551616})"),
              "since: expected a non-negative integer");
    std::string many = R"({"prompt_lines": [)";
    for (std::size_t i = 0; i <= kMaxPromptLines; ++i)
        many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    EXPECT_EQ(refused(many + "]}"), "prompt_lines: at most 200000 lines");
}

TEST(LogQuery, WantsAPromptWithOneOfTheLinesWhole) {
    LogQuery q;
    EXPECT_TRUE(q.wants("anything"));
    q.prompt_lines = {"Name: Ana Lima"};
    EXPECT_TRUE(q.wants("Write a summary.\nName: Ana Lima\nAge: 40"));
    EXPECT_TRUE(q.wants("Name: Ana Lima"));                    // the only line, no newline
    EXPECT_FALSE(q.wants("Write.\nName: Ana Limas\nAge: 4"));  // a longer name is another
    EXPECT_FALSE(q.wants("Write.\nXName: Ana Lima\n"));
    EXPECT_FALSE(q.wants(""));
}

std::shared_ptr<RequestRecord> logged(RequestLog& log, std::string prompt) {
    auto r = std::make_shared<RequestRecord>();
    r->prompt = std::move(prompt);
    log.add(r);
    return r;
}

TEST(LogQuery, TheLogKeepsOnlyTheWantedRequestsAndPagesOverThem) {
    RequestLog log(100);
    EXPECT_EQ(log.last_id(), 0u);
    for (int i = 0; i < 10; ++i) logged(log, "P\nName: " + std::string(i % 2 ? "odd" : "even"));
    EXPECT_EQ(log.last_id(), 10u);
    LogQuery q;
    q.prompt_lines = {"Name: odd"};
    q.limit = 3;
    auto page = log.snapshot(q)["requests"];
    ASSERT_EQ(page.size(), 3u);
    EXPECT_EQ(page[0]["id"], 2);
    EXPECT_EQ(page[2]["id"], 6);
    q.since = 6;
    page = log.snapshot(q)["requests"];
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[1]["id"], 10);
    log.reset();
    EXPECT_EQ(log.last_id(), 10u);  // ids go on after a reset: "after now" stays right
}

}  // namespace
