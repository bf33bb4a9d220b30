#include "http_client.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "common/clock.hpp"

namespace mock_test {

namespace {

// curl_global_init is not thread-safe: done once, before the first handle.
void init_curl_once() {
    static const bool initialised = [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("curl_global_init failed");
        }
        return true;
    }();
    (void)initialised;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// What one transfer needs while it runs: the request's bytes and the response being filled.
struct Transfer {
    Response response;
    std::string body;
    curl_slist* headers = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};

    Transfer() = default;
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    ~Transfer() { curl_slist_free_all(headers); }

    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self) {
        auto& r = static_cast<Transfer*>(self)->response;
        const std::size_t bytes = size * n;
        r.pieces.push_back({std::string(data, bytes), Clock::now(), common::wall_micros()});
        r.body.append(data, bytes);
        return bytes;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self) {
        auto& r = static_cast<Transfer*>(self)->response;
        const std::size_t bytes = size * n;
        const std::string_view line(data, bytes);
        if (r.headers_at == Clock::time_point{}) r.headers_at = Clock::now();
        if (line.starts_with("HTTP/")) {
            r.headers.clear();  // a new status line (after 1xx): its headers start afresh
        } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            r.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                   std::string(trim(line.substr(colon + 1))));
        }
        return bytes;
    }

    // Configures `easy` for `req`; `this` must outlive the transfer.
    void setup(CURL* easy, const std::string& base_url, const Request& req) {
        const std::string url = base_url + req.path;
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");  // never through an http_proxy from env
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
        if (req.method == "HEAD") {
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        } else if (req.method == "GET" && !req.body) {
            curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        } else {
            body = req.body.value_or("");
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(body.size()));
            if (req.method != "POST")
                curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
            headers = curl_slist_append(headers, "Content-Type: application/json");
        }
        headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
        for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        response.started = Clock::now();
    }

    void complete(CURL* easy, CURLcode code) {
        response.finished = Clock::now();
        response.error = code;
        response.error_text = error_buffer;
        if (code != CURLE_OK && response.error_text.empty()) {
            response.error_text = curl_easy_strerror(code);
        }
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
        curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &response.connects);
    }
};

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
    const std::string key = lower(name);
    for (const auto& [k, v] : headers) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::vector<Record> Response::records(std::string_view terminator) const {
    std::vector<Record> out;
    std::string partial;
    for (const auto& piece : pieces) {
        partial += piece.bytes;
        std::size_t at;
        while ((at = partial.find(terminator)) != std::string::npos) {
            out.push_back({partial.substr(0, at), piece.at, piece.wall_us});
            partial.erase(0, at + terminator.size());
        }
    }
    return out;
}

std::string Response::trailing(std::string_view terminator) const {
    const auto at = body.rfind(terminator);
    return at == std::string::npos ? body : body.substr(at + terminator.size());
}

nlohmann::json Response::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

std::string Response::describe() const {
    std::string s = "status " + std::to_string(status) + ", curl " +
                    std::to_string(static_cast<int>(error)) + " (" + error_text + "), body: ";
    s += body.size() > 600 ? body.substr(0, 600) + "..." : body;
    return s;
}

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {
    init_curl_once();
    easy_ = curl_easy_init();
    if (easy_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() {
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
}

HttpClient::HttpClient(HttpClient&& other) noexcept
    : base_url_(std::move(other.base_url_)), easy_(std::exchange(other.easy_, nullptr)) {}

Response HttpClient::perform(const Request& request) {
    curl_easy_reset(easy_);  // keeps the connection cache: keep-alive connections are reused
    Transfer t;
    t.setup(easy_, base_url_, request);
    const CURLcode code = curl_easy_perform(easy_);
    t.complete(easy_, code);
    return std::move(t.response);
}

Response HttpClient::get(std::string_view path, std::chrono::milliseconds timeout) {
    return perform({.method = "GET", .path = std::string(path), .timeout = timeout});
}

Response HttpClient::post(std::string_view path, std::string body, std::vector<std::string> headers,
                          std::chrono::milliseconds timeout) {
    return perform({.method = "POST",
                    .path = std::string(path),
                    .body = std::move(body),
                    .headers = std::move(headers),
                    .timeout = timeout});
}

std::vector<Response> HttpClient::perform_concurrently(const std::vector<Request>& requests) {
    struct Multi {
        CURLM* handle = curl_multi_init();
        std::vector<CURL*> easies;
        ~Multi() {
            for (CURL* e : easies) {
                curl_multi_remove_handle(handle, e);
                curl_easy_cleanup(e);
            }
            curl_multi_cleanup(handle);
        }
    } multi;
    if (multi.handle == nullptr) throw std::runtime_error("curl_multi_init failed");
    std::vector<std::unique_ptr<Transfer>> transfers;
    std::chrono::milliseconds longest{0};
    for (const auto& r : requests) {
        CURL* e = curl_easy_init();
        if (e == nullptr) throw std::runtime_error("curl_easy_init failed");
        multi.easies.push_back(e);
        transfers.push_back(std::make_unique<Transfer>());
        transfers.back()->setup(e, base_url_, r);
        curl_easy_setopt(e, CURLOPT_PRIVATE, transfers.back().get());
        curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);  // each its own connection
        curl_multi_add_handle(multi.handle, e);
        longest = std::max(longest, r.timeout);
    }
    // Each transfer has its own timeout; this bound only guards against a stuck loop.
    const auto deadline = Clock::now() + longest + std::chrono::seconds(5);
    int running = 1;
    while (running > 0 && Clock::now() < deadline) {
        if (curl_multi_perform(multi.handle, &running) != CURLM_OK) break;
        if (running > 0) curl_multi_poll(multi.handle, nullptr, 0, 100, nullptr);
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.handle, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        void* p = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
        static_cast<Transfer*>(p)->complete(msg->easy_handle, msg->data.result);
    }
    std::vector<Response> out;
    for (auto& t : transfers) {
        if (t->response.finished == Clock::time_point{}) {
            t->response.error = CURLE_OPERATION_TIMEDOUT;
            t->response.error_text = "never completed within the multi loop's bound";
        }
        out.push_back(std::move(t->response));
    }
    return out;
}

}  // namespace mock_test
