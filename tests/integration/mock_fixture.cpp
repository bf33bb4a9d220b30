#include "mock_fixture.hpp"

namespace mock_test {

MockProcess::MockProcess(std::vector<std::string> args)
    : child_("mock-ollama", MOCK_OLLAMA_BIN,
             [&] {
                 std::vector<std::string> argv = {"--host", "127.0.0.1",   "--port",
                                                  "0",      "--log-level", "debug"};
                 argv.insert(argv.end(), args.begin(), args.end());
                 return argv;
             }()),
      admin_(base_url(), test_support::kHttpTimeout) {}

MockProcess::~MockProcess() {
    // Every test proves a clean exit, whatever it left open: under the sanitizers a leak or
    // any other report makes the status non-zero, and would otherwise go unseen. (The log's
    // tail is printed on failure by LoggedService.)
    EXPECT_EQ(stop(), 0) << "mock-ollama did not exit cleanly";
}

nlohmann::json MockProcess::get_json(std::string_view path) const {
    return nlohmann::json::parse(admin_.get(std::string(path)));
}

nlohmann::json MockProcess::stats() const {
    return get_json("/_mock/stats");
}

nlohmann::json MockProcess::requests(std::string_view query) const {
    std::string path = "/_mock/requests";
    if (!query.empty()) path += "?" + std::string(query);
    return get_json(path).value("requests", nlohmann::json::array());
}

nlohmann::json MockProcess::last_request() const {
    const auto all = requests();
    EXPECT_FALSE(all.empty()) << "the mock logged no request";
    return all.empty() ? nlohmann::json::object() : all.back();
}

std::vector<std::string> token_texts(const nlohmann::json& record) {
    std::vector<std::string> out;
    for (const auto& t : record.value("tokens", nlohmann::json::array())) {
        out.push_back(t.value("text", ""));
    }
    return out;
}

nlohmann::json generate_body(std::string_view prompt, nlohmann::json extra,
                             std::string_view model) {
    nlohmann::json b = {{"model", model}, {"prompt", prompt}};
    if (!extra.is_null()) b.update(extra);
    return b;
}

nlohmann::json chat_body(std::string_view prompt, nlohmann::json extra, std::string_view model) {
    nlohmann::json b = {
        {"model", model},
        {"messages", nlohmann::json::array({{{"role", "user"}, {"content", prompt}}})}};
    if (!extra.is_null()) b.update(extra);
    return b;
}

std::vector<nlohmann::json> parse_records(const std::vector<Record>& records) {
    std::vector<nlohmann::json> out;
    for (const auto& r : records) out.push_back(nlohmann::json::parse(r.text, nullptr, false));
    return out;
}

bool eventually(const std::function<bool()>& probe, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (probe()) return true;
        if (Clock::now() >= deadline) return false;
    }
}

void expect_serves_a_normal_request(const MockProcess& mock) {
    auto http = mock.client();
    const auto r = http.post("/api/generate", generate_body("still alive?"));
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto objects = parse_records(r.lines());
    ASSERT_FALSE(objects.empty());
    EXPECT_EQ(objects.back()["done"], true) << r.body;
    std::string text;
    for (std::size_t i = 0; i + 1 < objects.size(); ++i) text += objects[i]["response"];
    const auto logged = mock.last_request();
    EXPECT_EQ(logged["prompt"], "still alive?");
    EXPECT_EQ(text, logged["text"]);
}

}  // namespace mock_test
