#include "harness/mock_admin.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace harness {

using nlohmann::json;

std::vector<std::int64_t> MockRequest::emitted_us() const {
    std::vector<std::int64_t> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) out.push_back(t.t_us);
    return out;
}

std::vector<std::string> MockRequest::token_texts() const {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

MockRequest parse_mock_request(const json& j) {
    MockRequest r;
    r.id = j.value("id", std::uint64_t{0});
    r.endpoint = j.value("endpoint", "");
    r.model = j.value("model", "");
    r.prompt = j.value("prompt", "");
    r.outcome = j.value("outcome", "");
    r.done_reason = j.value("done_reason", "");
    r.fault = j.value("fault", "");
    r.text = j.value("text", "");
    r.stream = j.value("stream", false);
    r.status = j.value("status", 0);
    r.received_us = j.value("received_us", std::int64_t{0});
    if (const auto tokens = j.find("tokens"); tokens != j.end() && tokens->is_array()) {
        r.tokens.reserve(tokens->size());
        for (const auto& t : *tokens) {
            r.tokens.push_back({t.value("i", std::size_t{0}), t.value("text", ""),
                                t.value("t_us", std::int64_t{0}),
                                t.value("scheduled_us", std::int64_t{0})});
        }
    }
    return r;
}

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

void curl_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

MockAdmin::MockAdmin(std::string base_url, std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), timeout_(timeout) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
    curl_init_once();
}

std::string MockAdmin::perform(const std::string& target, const std::string* body) const {
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                   &curl_easy_cleanup);
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    const std::string url = base_url_ + target;
    std::string response;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
    curl_slist* headers = nullptr;
    if (body != nullptr) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body->c_str());
        curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    const CURLcode rc = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        throw std::runtime_error((body ? "POST " : "GET ") + url + ": " + curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300) {
        throw std::runtime_error((body ? "POST " : "GET ") + url + ": HTTP " +
                                 std::to_string(status) + ": " + response.substr(0, 300));
    }
    return response;
}

std::string MockAdmin::get(const std::string& target) const {
    return perform(target, nullptr);
}

std::string MockAdmin::post(const std::string& target, const std::string& body) const {
    return perform(target, &body);
}

json MockAdmin::stats() const {
    return json::parse(get("/_mock/stats"));
}

std::vector<MockRequest> MockAdmin::requests(std::uint64_t since, bool tokens, std::size_t page,
                                             const std::vector<std::string>& prompt_lines) const {
    std::vector<MockRequest> out;
    page = std::max<std::size_t>(page, 1);
    for (;;) {
        std::string body;
        try {
            if (prompt_lines.empty()) {
                body = get("/_mock/requests?since=" + std::to_string(since) +
                           "&limit=" + std::to_string(page) + "&tokens=" + (tokens ? "1" : "0"));
            } else {
                body = post("/_mock/requests", json{{"since", since},
                                                    {"limit", page},
                                                    {"tokens", tokens},
                                                    {"prompt_lines", prompt_lines}}
                                                   .dump());
            }
        } catch (const std::runtime_error&) {
            // The mock drops a reader once about 1 MiB of its reply is queued (its slow-client
            // limit applies to admin replies too): ask for fewer requests per page.
            if (page == 1) throw;
            page = std::max<std::size_t>(page / 4, 1);
            continue;
        }
        const std::size_t before = out.size();
        if (!scan_mock_requests(body, out)) {
            const json j = json::parse(body);
            for (const auto& r : j.at("requests")) out.push_back(parse_mock_request(r));
        }
        for (std::size_t i = before; i < out.size(); ++i) since = std::max(since, out[i].id);
        if (out.size() - before < page) break;
    }
    return out;
}

MockAdmin::Clock MockAdmin::clock() const {
    const json j = json::parse(get("/_mock/clock"));
    return {j.at("wall_us").get<std::int64_t>(), j.at("last_id").get<std::uint64_t>()};
}

void MockAdmin::reset() const {
    post("/_mock/reset", "{}");
}

json MockAdmin::config() const {
    return json::parse(get("/_mock/config"));
}

void MockAdmin::set_config(const json& config) const {
    post("/_mock/config", config.dump());
}

}  // namespace harness
