#pragma once
// What the McpClient tests (every transport) do over and over: wait for a result with a
// limit, connect, call, initialize, close; each a future or a value, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/event_loop.hpp"
#include "harness/mcp_client.hpp"

namespace harness::test {

template <typename T>
T get_within(std::future<T>& f, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    if (f.wait_for(limit) != std::future_status::ready) {
        ADD_FAILURE() << "no result within " << limit.count() << " ms";
        return T{};
    }
    return f.get();
}

inline std::shared_ptr<McpClient> connected(EventLoop& loop, const std::string& url,
                                            ClientOptions options = {}) {
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    client->connect(url, options, [&p](const ClientError& e) { p.set_value(e.message); });
    const auto error = get_within(f);
    EXPECT_EQ(error, "");
    return client;
}

inline std::future<CallRecord> call(McpClient& client, const std::string& method,
                                    nlohmann::json params, RequestOptions options = {}) {
    auto p = std::make_shared<std::promise<CallRecord>>();
    client.call(
        method, std::move(params), [p](CallRecord r) { p->set_value(std::move(r)); }, options);
    return p->get_future();
}

// initialize with the version the client was connected with.
inline std::future<CallRecord> initialize(McpClient& client,
                                          nlohmann::json info = {{"name", "t"}, {"version", "1"}}) {
    auto p = std::make_shared<std::promise<CallRecord>>();
    client.initialize("", std::move(info), [p](CallRecord r) { p->set_value(std::move(r)); });
    return p->get_future();
}

// close(), and what it reported ("" when nothing went wrong).
inline std::string close_client(McpClient& client,
                                std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::promise<std::string> p;
    auto f = p.get_future();
    client.close([&p](const ClientError& e) { p.set_value(e.message); });
    return get_within(f, limit);
}

}  // namespace harness::test
