#include "raw_exchange.hpp"

namespace mock_test {

std::string RawReply::error() const {
    const auto j = json();
    if (!j.is_object() || !j.contains("error")) return {};
    const auto& e = j["error"];
    if (e.is_string()) return e.get<std::string>();
    if (e.is_object() && e.contains("message") && e["message"].is_string()) {
        return e["message"].get<std::string>();  // OpenAI's shape on /v1
    }
    return {};
}

RawReply raw_exchange(unsigned short port, std::string_view method, std::string_view path,
                      std::string_view body, const std::vector<std::string>& headers,
                      std::chrono::milliseconds timeout) {
    std::string req;
    req += method;
    req += ' ';
    req += path;
    req += " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& h : headers) req += h + "\r\n";
    if (!body.empty()) req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;

    RawConnection conn(port);
    conn.send(req);
    const auto got = conn.read(timeout);
    RawReply r;
    r.end = got.end;
    r.bytes = got.bytes;
    if (got.bytes.starts_with("HTTP/1.1 ") && got.bytes.size() >= 12) {
        r.status = std::stoi(got.bytes.substr(9, 3));
    }
    const auto split = got.bytes.find("\r\n\r\n");
    r.head = got.bytes.substr(0, split);
    if (split != std::string::npos) r.body = got.bytes.substr(split + 4);
    return r;
}

RawReply raw_post_json(unsigned short port, std::string_view path, std::string_view body,
                       std::vector<std::string> headers) {
    headers.insert(headers.begin(), "Content-Type: application/json");
    return raw_exchange(port, "POST", path, body, headers);
}

}  // namespace mock_test
