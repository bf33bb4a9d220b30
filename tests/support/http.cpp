#include "support/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace test_support {

namespace {

void init_curl_once() {
    static std::once_flag once;  // curl_global_init is not thread-safe
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
    });
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* out) {
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) static_cast<std::vector<std::string>*>(out)->push_back(std::move(line));
    return size * n;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

HttpResponse perform(const std::string& url, const std::string* post_body,
                     std::chrono::milliseconds timeout) {
    init_curl_once();
    HttpResponse r;
    CURL* easy = curl_easy_init();
    if (easy == nullptr) {
        r.curl_code = CURLE_FAILED_INIT;
        r.error = "curl_easy_init failed";
        return r;
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &r.header_lines);
    if (post_body != nullptr) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, post_body->data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(post_body->size()));
        headers = curl_slist_append(headers, "Content-Type: application/json");
        headers = curl_slist_append(headers, "Expect:");
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    } else {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    }
    const CURLcode code = curl_easy_perform(easy);
    r.curl_code = static_cast<int>(code);
    if (code != CURLE_OK) r.error = error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(code);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(easy);
    return r;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    const std::string key = lower(name) + ":";
    for (const auto& line : header_lines) {
        if (lower(line.substr(0, key.size())) != key) continue;
        std::string value = line.substr(key.size());
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        return value;
    }
    return {};
}

nlohmann::json HttpResponse::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

std::string HttpResponse::describe() const {
    std::string s = "HTTP " + std::to_string(status) + ", curl " + std::to_string(curl_code);
    if (!error.empty()) s += " (" + error + ")";
    s += ", body: " + (body.size() > 500 ? body.substr(0, 500) + "..." : body);
    return s;
}

HttpResponse http_get(const std::string& url, std::chrono::milliseconds timeout) {
    return perform(url, nullptr, timeout);
}

HttpResponse http_post_json(const std::string& url, const nlohmann::json& body,
                            std::chrono::milliseconds timeout) {
    const std::string text = body.dump();
    return perform(url, &text, timeout);
}

}  // namespace test_support
