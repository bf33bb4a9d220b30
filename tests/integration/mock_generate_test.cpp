// /api/generate and /api/chat as Ollama clients read them: NDJSON streamed line by line,
// the final chunk with its metrics, stream:false, seeds, num_predict and stop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::StartsWith;

const std::regex kRfc3339Nanos(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)");

std::set<std::string> keys_of(const json& j) {
    std::set<std::string> out;
    for (const auto& [k, v] : j.items()) out.insert(k);
    return out;
}

const std::set<std::string> kMetrics = {"total_duration",    "load_duration",
                                        "prompt_eval_count", "prompt_eval_duration",
                                        "eval_count",        "eval_duration"};

// A streamed generation: the response and its lines as JSON.
struct Streamed {
    Response response;
    std::vector<json> objects;
    std::vector<Record> lines;

    std::string text(const char* field = "response") const {
        std::string s;
        for (std::size_t i = 0; i + 1 < objects.size(); ++i) {
            s += field == std::string_view("message")
                     ? objects[i]["message"]["content"].get<std::string>()
                     : objects[i][field].get<std::string>();
        }
        return s;
    }
};

class Generate : public ::testing::Test {
  protected:
    Streamed stream(std::string_view path, const json& body,
                    std::vector<std::string> headers = {}) {
        Streamed s;
        s.response = http_.post(path, body, std::move(headers));
        s.lines = s.response.lines();
        s.objects = parse_records(s.lines);
        return s;
    }

    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Generate, StreamsOneNdjsonLinePerTokenThenAFinalChunkWithMetrics) {
    const auto s = stream("/api/generate", generate_body("Name: Ada\nSymptoms: cough"));
    ASSERT_TRUE(s.response.ok() && s.response.status == 200) << s.response.describe();
    EXPECT_EQ(s.response.header("content-type"), "application/x-ndjson");
    EXPECT_EQ(s.response.header("transfer-encoding"), "chunked");
    EXPECT_EQ(s.response.trailing("\n"), "") << "the body must end with a complete line";

    const auto logged = mock_.last_request();
    const auto tokens = token_texts(logged);
    ASSERT_EQ(tokens.size(), 6u) << logged;
    ASSERT_EQ(s.objects.size(), tokens.size() + 1) << s.response.body;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& o = s.objects[i];
        ASSERT_FALSE(o.is_discarded()) << s.lines[i].text;
        EXPECT_THAT(keys_of(o), ElementsAre("created_at", "done", "model", "response")) << o;
        EXPECT_EQ(o["model"], "phi") << "the name as the request spelled it";
        EXPECT_TRUE(std::regex_match(o["created_at"].get<std::string>(), kRfc3339Nanos)) << o;
        EXPECT_EQ(o["response"], tokens[i]) << "token " << i;
        EXPECT_EQ(o["done"], false);
    }

    const auto& last = s.objects.back();
    std::set<std::string> final_keys = {"model", "created_at",  "response",
                                        "done",  "done_reason", "context"};
    final_keys.insert(kMetrics.begin(), kMetrics.end());
    EXPECT_EQ(keys_of(last), final_keys) << last;
    EXPECT_EQ(last["done"], true);
    EXPECT_EQ(last["done_reason"], "stop");
    EXPECT_EQ(last["response"], "");
    EXPECT_TRUE(std::regex_match(last["created_at"].get<std::string>(), kRfc3339Nanos)) << last;
    for (const auto& m : kMetrics) {
        ASSERT_TRUE(last[m].is_number_integer()) << m << ": " << last;
        EXPECT_GT(last[m].get<std::int64_t>(), 0) << m;
    }
    EXPECT_EQ(last["eval_count"], tokens.size());
    EXPECT_EQ(last["prompt_eval_count"], 6) << "Name : Ada Symptoms : cough";
    // The generation really took its schedule: from receipt to the last token, in ns.
    const auto span_us = logged["tokens"].back()["scheduled_us"].get<std::int64_t>() -
                         logged["received_us"].get<std::int64_t>();
    EXPECT_GE(last["total_duration"].get<std::int64_t>(), span_us * 1000);
    EXPECT_LE(last["eval_duration"].get<std::int64_t>(),
              last["total_duration"].get<std::int64_t>());
    ASSERT_TRUE(last["context"].is_array());
    EXPECT_GE(last["context"].size(), tokens.size());
    EXPECT_EQ(logged["outcome"], "completed");
    EXPECT_EQ(logged["done_reason"], "stop");
}

TEST_F(Generate, LinesLeaveAsTheyAreGeneratedNotBatched) {
    // 6 tokens, the first after 10 ms, then one every 40 ms (time scale 0.1).
    const auto s = stream("/api/generate", generate_body("pacing"),
                          {"X-Mock-TTFT-Ms: 100", "X-Mock-TPS: 2.5"});
    ASSERT_EQ(s.lines.size(), 7u) << s.response.describe();
    const auto logged = mock_.last_request();
    const auto received_us = logged["received_us"].get<std::int64_t>();
    for (std::size_t i = 0; i < 6; ++i) {
        const auto due_us = logged["tokens"][i]["scheduled_us"].get<std::int64_t>() - received_us;
        EXPECT_NEAR(due_us, 10'000 + 40'000 * static_cast<std::int64_t>(i), 1) << "token " << i;
        // A token never reaches the client before it was due.
        EXPECT_GE(micros(s.response.started, s.lines[i].at), due_us) << "token " << i;
    }
    // Had the mock held the lines back and sent them together, they would arrive together.
    EXPECT_GE(micros(s.lines[0].at, s.lines[5].at), 100'000) << "scheduled 200 ms apart";
}

TEST_F(Generate, StreamFalseGivesOneObjectWithTheStreamedText) {
    const auto prompt = "Name: Bo\nAge: 71\nSymptoms: fever, rash";
    const auto streamed =
        stream("/api/generate", generate_body(prompt, {{"options", {{"seed", 5}}}}));
    ASSERT_EQ(streamed.objects.size(), 7u) << streamed.response.describe();

    const auto whole = http_.post(
        "/api/generate", generate_body(prompt, {{"stream", false}, {"options", {{"seed", 5}}}}));
    ASSERT_EQ(whole.status, 200) << whole.describe();
    EXPECT_THAT(whole.header("content-type").value_or(""), StartsWith("application/json"));
    EXPECT_TRUE(whole.header("content-length").has_value()) << "not chunked";
    const auto j = whole.json();
    ASSERT_TRUE(j.is_object()) << whole.body;
    EXPECT_EQ(j["response"], streamed.text());
    EXPECT_EQ(j["done"], true);
    EXPECT_EQ(j["done_reason"], "stop");
    EXPECT_EQ(j["context"], streamed.objects.back()["context"]);
    EXPECT_EQ(j["eval_count"], 6);
    for (const auto& m : kMetrics) EXPECT_GT(j[m].get<std::int64_t>(), 0) << m;
    EXPECT_EQ(j["response"], mock_.last_request()["text"]);
}

TEST_F(Generate, TheSameSeedGivesTheSameTokensAndScheduleInSeparateProcesses) {
    MockProcess other;  // same flags, separate process
    auto run = [](const MockProcess& m, std::uint64_t seed) {
        auto c = m.client();
        const auto r =
            c.post("/api/generate",
                   generate_body(
                       "Name: Cy\nSymptoms: headache",
                       {{"stream", false},
                        {"options", {{"seed", seed}, {"mock_tokens", 30}, {"mock_jitter", 0.5}}}}));
        EXPECT_EQ(r.status, 200) << r.describe();
        const auto rec = m.last_request();
        std::vector<std::int64_t> offsets;
        for (const auto& t : rec["tokens"]) {
            offsets.push_back(t["scheduled_us"].get<std::int64_t>() -
                              rec["received_us"].get<std::int64_t>());
        }
        return std::make_tuple(r.json().value("response", ""), token_texts(rec), offsets);
    };
    const auto [text_a, tokens_a, offsets_a] = run(mock_, 42);
    const auto [text_b, tokens_b, offsets_b] = run(other, 42);
    ASSERT_EQ(tokens_a.size(), 30u);
    EXPECT_EQ(text_a, text_b);
    EXPECT_EQ(tokens_a, tokens_b);
    EXPECT_EQ(offsets_a, offsets_b);

    const auto [text_c, tokens_c, offsets_c] = run(other, 43);
    EXPECT_NE(text_a, text_c) << "the seed does not change the text";
    EXPECT_NE(offsets_a, offsets_c) << "the seed does not change the jitter";
}

TEST_F(Generate, NumPredictCutsTheResponseWithDoneReasonLength) {
    const auto full = stream("/api/generate", generate_body("cut me"));
    ASSERT_EQ(full.objects.size(), 7u) << full.response.describe();
    const auto full_tokens = token_texts(mock_.last_request());

    const auto cut =
        stream("/api/generate", generate_body("cut me", {{"options", {{"num_predict", 3}}}}));
    ASSERT_EQ(cut.objects.size(), 4u) << cut.response.describe();
    const auto& last = cut.objects.back();
    EXPECT_EQ(last["done_reason"], "length");
    EXPECT_EQ(last["eval_count"], 3);
    EXPECT_EQ(cut.text(), full_tokens[0] + full_tokens[1] + full_tokens[2]);
    EXPECT_EQ(mock_.last_request()["done_reason"], "length");

    const auto roomy =
        stream("/api/generate", generate_body("cut me", {{"options", {{"num_predict", 100}}}}));
    ASSERT_FALSE(roomy.objects.empty());
    EXPECT_EQ(roomy.objects.back()["done_reason"], "stop");
    EXPECT_EQ(roomy.objects.back()["eval_count"], 6);
}

TEST_F(Generate, StopSequencesEndTheTextBeforeTheyBegin) {
    // Plain ASCII text, so that any three bytes make a valid stop string.
    const json more = {{"options", {{"mock_tokens", 20}, {"mock_profile", "plain"}}}};
    const auto full =
        http_.post("/api/generate",
                   generate_body("stop here", {{"stream", false}, {"options", more["options"]}}));
    const std::string text = full.json().value("response", "");
    ASSERT_GE(text.size(), 20u) << full.describe();
    // A stop sequence that starts inside one token and ends in the next.
    const auto tokens = token_texts(mock_.last_request());
    const std::size_t boundary = tokens[0].size() + tokens[1].size() + tokens[2].size();
    const std::string stop = text.substr(boundary - 1, 3);
    const std::string expected = text.substr(0, text.find(stop));

    for (const json& stop_option : {json(stop), json::array({"never-there", stop})}) {
        json body = generate_body("stop here", more);
        body["options"]["stop"] = stop_option;
        const auto s = stream("/api/generate", body);
        ASSERT_FALSE(s.objects.empty()) << s.response.describe();
        EXPECT_EQ(s.text(), expected) << "stop " << stop_option;
        EXPECT_EQ(s.objects.back()["done_reason"], "stop");
        EXPECT_EQ(s.objects.back()["eval_count"], s.objects.size() - 1);
    }
}

TEST_F(Generate, ChatStreamsAssistantMessagesWithoutContext) {
    const auto s = stream("/api/chat", chat_body("Name: Di\nSymptoms: dizziness"));
    ASSERT_TRUE(s.response.ok() && s.response.status == 200) << s.response.describe();
    EXPECT_EQ(s.response.header("content-type"), "application/x-ndjson");
    const auto logged = mock_.last_request();
    EXPECT_EQ(logged["endpoint"], "chat");
    const auto tokens = token_texts(logged);
    ASSERT_EQ(s.objects.size(), tokens.size() + 1) << s.response.body;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& o = s.objects[i];
        EXPECT_THAT(keys_of(o), ElementsAre("created_at", "done", "message", "model")) << o;
        EXPECT_EQ(o["message"], (json{{"role", "assistant"}, {"content", tokens[i]}}));
        EXPECT_EQ(o["done"], false);
        EXPECT_TRUE(std::regex_match(o["created_at"].get<std::string>(), kRfc3339Nanos)) << o;
    }
    const auto& last = s.objects.back();
    std::set<std::string> final_keys = {"model", "created_at", "message", "done", "done_reason"};
    final_keys.insert(kMetrics.begin(), kMetrics.end());
    EXPECT_EQ(keys_of(last), final_keys) << "no context on chat: " << last;
    EXPECT_EQ(last["message"], (json{{"role", "assistant"}, {"content", ""}}));
    EXPECT_EQ(last["eval_count"], tokens.size());

    const auto whole =
        http_.post("/api/chat", chat_body("Name: Di\nSymptoms: dizziness", {{"stream", false}}));
    EXPECT_EQ(whole.json()["message"]["content"], s.text("message"));
}

TEST_F(Generate, AnEmptyPromptLoadsTheModel) {
    const auto r = http_.post("/api/generate", json{{"model", "phi"}});
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    EXPECT_EQ(j["done"], true);
    EXPECT_EQ(j["done_reason"], "load");
    EXPECT_EQ(j["response"], "");
}

}  // namespace
}  // namespace mock_test
