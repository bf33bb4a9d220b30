// Isolation under concurrency: many clients at once, several calls in flight on one
// connection, and many saves at once; each call gets exactly its own tokens and every save
// lands.
#include <gmock/gmock.h>

#include <map>
#include <mutex>
#include <thread>

#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

class ServerConcurrency : public ServerTest {};

std::string pid_of(std::size_t i) {
    return core::patient_id_for(i);
}

// Throws unless every id got a successful tool result.
void check_all(const test_support::Responses& r, const std::vector<json>& ids) {
    if (!r.ok) throw std::runtime_error(r.failure);
    for (const auto& id : ids) {
        const auto& f = r.by_id.at(id.dump());
        if (!f.json.contains("result") || f.json["result"].value("isError", false)) {
            throw std::runtime_error("call " + id.dump() + ": " + f.text);
        }
    }
}

TEST_F(ServerConcurrency, HundredClientsEachReceiveOnlyTheirOwnTokens) {
    start({"--ttft", "50", "--tps", "100", "--tokens", "20"});
    constexpr std::size_t kClients = 100;
    struct Outcome {
        std::string error;
        CallResult result;
    };
    std::vector<Outcome> outcomes(kClients);
    {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < kClients; ++i) {
            threads.emplace_back([&, i] {
                try {
                    McpClient c(server().ws_url(), {.timeout = 10s});
                    if (!c.initialize().has_result()) throw std::runtime_error("initialize");
                    outcomes[i].result =
                        c.tool("generate_summary", {{"patient_id", pid_of(i + 1)}}, 30s);
                } catch (const std::exception& e) {
                    outcomes[i].error = e.what();
                }
            });
        }
        for (auto& t : threads) t.join();
    }
    std::map<std::string, json> by_prompt;
    for (const auto& rec : mock().requests()) by_prompt[rec.value("prompt", "")] = rec;
    EXPECT_EQ(by_prompt.size(), kClients);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < kClients; ++i) {
        const std::string id = pid_of(i + 1);
        const auto& o = outcomes[i];
        ASSERT_TRUE(o.error.empty()) << id << ": " << o.error;
        ASSERT_TRUE(o.result.has_result()) << id << ": " << o.result.describe();
        EXPECT_FALSE(o.result.is_tool_error()) << id << ": " << o.result.describe();
        const auto it = by_prompt.find(prompt_for(id));
        ASSERT_NE(it, by_prompt.end()) << "the mock has no request for " << id;
        const json& key = o.result.json()["id"];
        const auto tokens = token_frames(o.result.frames, StreamForm::legacy, key);
        EXPECT_EQ(tokens.size(), o.result.frames.size()) << id << ": foreign frames";
        const auto match = stream_matches(tokens, StreamForm::legacy, key, it->second);
        EXPECT_TRUE(match) << id;
        const bool text_ok = o.result.text() == expected_generated_text(id, it->second);
        EXPECT_TRUE(text_ok) << id << ": " << o.result.text();
        if (match && text_ok && tokens.size() == o.result.frames.size()) ++correct;
    }
    EXPECT_EQ(correct, kClients);
}

TEST_F(ServerConcurrency, SeveralCallsInFlightOnOneConnection) {
    start({"--ttft", "30", "--tps", "150", "--tokens", "30"});
    auto c = connect();
    struct Pending {
        json id;
        std::string patient;
        std::optional<json> progress;
    };
    const std::vector<Pending> calls = {
        {json("a"), "20", std::nullopt},
        {json(2), "21", std::nullopt},
        {json("c-3"), "22", json("progress-c")},
    };
    for (const auto& p : calls) {
        ASSERT_TRUE(c->start_call(
            p.id, "tools/call",
            McpClient::tool_params("generate_summary", {{"patient_id", p.patient}}, p.progress)));
    }
    std::vector<Frame> frames;
    std::map<std::string, Frame> responses;  // by id (JSON text)
    const auto deadline = Clock::now() + 10s;
    while (responses.size() < calls.size() && Clock::now() < deadline) {
        auto f =
            c->recv(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
        if (!f) break;
        ASSERT_TRUE(f->is_message()) << f->describe();
        bool is_response = false;
        for (const auto& p : calls) {
            if (f->is_response_to(p.id)) {
                EXPECT_EQ(responses.count(p.id.dump()), 0u) << "two responses to " << p.id;
                responses[p.id.dump()] = *f;
                is_response = true;
            }
        }
        if (!is_response) frames.push_back(std::move(*f));
    }
    ASSERT_EQ(responses.size(), calls.size()) << "responses missing after 10 s";
    std::size_t accounted = 0;
    for (const auto& p : calls) {
        const json record = settled_record(p.patient);
        const StreamForm form = p.progress ? StreamForm::progress : StreamForm::legacy;
        const json key = p.progress ? *p.progress : p.id;
        const auto mine = token_frames(frames, form, key);
        accounted += mine.size();
        EXPECT_TRUE(stream_matches(mine, form, key, record)) << "call " << p.id;
        const Frame& resp = responses[p.id.dump()];
        const auto text = resp.json["result"]["content"][0].value("text", "");
        EXPECT_EQ(text, expected_generated_text(p.patient, record)) << "call " << p.id;
        if (!mine.empty()) {
            EXPECT_GT(resp.at, mine.back().at - 1us) << "call " << p.id;
        }
    }
    EXPECT_EQ(accounted, frames.size()) << "frames that belong to no call";
}

TEST_F(ServerConcurrency, ConcurrentSavesAllLand) {
    start({"--ttft", "10", "--tps", "500", "--tokens", "15"});
    constexpr std::size_t kThreads = 9;
    constexpr std::size_t kPerThread = 10;  // updates 1..90
    constexpr std::size_t kGenerated = 10;  // generate + save 91..100
    const auto summary_for = [](std::size_t n) {
        return "Summary " + std::to_string(n) + ": \"stable\", BP 120/80,\nreview in 2 weeks 🩺";
    };
    std::vector<std::string> errors(kThreads + 1);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            try {
                McpClient c(server().ws_url(), {.timeout = 10s});
                if (!c.initialize().has_result()) throw std::runtime_error("initialize");
                // All of this thread's updates in flight at once on its connection.
                for (std::size_t k = 0; k < kPerThread; ++k) {
                    const std::size_t n = t * kPerThread + k + 1;
                    c.start_call(json(static_cast<int>(n)), "tools/call",
                                 McpClient::tool_params(
                                     "update_patient_summary",
                                     {{"patient_id", pid_of(n)}, {"summary", summary_for(n)}}));
                }
                std::vector<json> ids;
                for (std::size_t k = 0; k < kPerThread; ++k) {
                    ids.push_back(static_cast<int>(t * kPerThread + k + 1));
                }
                check_all(c.await_responses(ids, 20s), ids);
            } catch (const std::exception& e) {
                errors[t] = e.what();
            }
        });
    }
    threads.emplace_back([&] {
        try {
            McpClient c(server().ws_url(), {.timeout = 10s});
            if (!c.initialize().has_result()) throw std::runtime_error("initialize");
            for (std::size_t k = 0; k < kGenerated; ++k) {
                const std::size_t n = kThreads * kPerThread + k + 1;
                c.start_call(json(static_cast<int>(n)), "tools/call",
                             McpClient::tool_params("generate_summary",
                                                    {{"patient_id", pid_of(n)}, {"save", true}}));
            }
            std::vector<json> ids;
            for (std::size_t k = 0; k < kGenerated; ++k) {
                ids.push_back(static_cast<int>(kThreads * kPerThread + k + 1));
            }
            check_all(c.await_responses(ids, 20s), ids);
        } catch (const std::exception& e) {
            errors[kThreads] = e.what();
        }
    });
    for (auto& t : threads) t.join();
    for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;

    const auto rows = summaries_csv();
    ASSERT_EQ(rows.size(), 101u) << "header + 100 rows expected";
    EXPECT_EQ(rows[0], (std::vector<std::string>{"patient_id", "name", "summary"}));
    std::map<std::string, json> by_prompt;
    for (const auto& rec : mock().requests()) by_prompt[rec.value("prompt", "")] = rec;
    for (std::size_t n = 1; n <= 100; ++n) {
        const auto& row = rows[n];
        ASSERT_EQ(row.size(), 3u) << "row " << n;
        EXPECT_EQ(row[0], pid_of(n));
        EXPECT_EQ(row[1], patient(pid_of(n)).name);
        if (n <= kThreads * kPerThread) {
            EXPECT_EQ(row[2], summary_for(n)) << pid_of(n) << ": lost update";
        } else {
            const auto it = by_prompt.find(prompt_for(pid_of(n)));
            ASSERT_NE(it, by_prompt.end()) << pid_of(n);
            EXPECT_EQ(row[2], core::trim_summary(it->second.value("text", ""))) << pid_of(n);
        }
    }
}

}  // namespace
}  // namespace server_test
