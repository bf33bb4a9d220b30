#include "ollama_stream.hpp"

#include <cstdio>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

namespace harness_e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;

OllamaStream::OllamaStream(net::any_io_executor executor, net::ip::tcp::endpoint ollama,
                           std::chrono::milliseconds inactivity_timeout)
    : ollama_(ollama), timeout_(inactivity_timeout), socket_(executor), timer_(executor) {
    parser_.body_limit(boost::none);
}

void OllamaStream::start(std::string prompt, OnToken on_token, OnEnd on_end) {
    on_token_ = std::move(on_token);
    on_end_ = std::move(on_end);
    request_.method(http::verb::post);
    request_.target("/api/generate");
    request_.version(11);
    request_.set(http::field::host, ollama_.address().to_string());
    request_.set(http::field::content_type, "application/json");
    request_.body() = json{{"model", "phi"}, {"prompt", std::move(prompt)}, {"stream", true}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
    request_.prepare_payload();
    last_activity_ = Clock::now();
    arm_timer();
    socket_.async_connect(ollama_, [self = shared_from_this()](beast::error_code ec) {
        if (ec)
            return self->end(UpstreamEnd::Kind::failed, "Ollama is unreachable: " + ec.message());
        http::async_write(
            self->socket_, self->request_, [self](beast::error_code wec, std::size_t) {
                if (wec)
                    return self->end(UpstreamEnd::Kind::failed, "cannot send: " + wec.message());
                http::async_read_header(
                    self->socket_, self->buffer_, self->parser_,
                    [self](beast::error_code rec, std::size_t) { self->on_read(rec); });
            });
    });
}

void OllamaStream::on_read(beast::error_code ec) {
    if (ended_) return;
    last_activity_ = Clock::now();
    const unsigned status = parser_.get().result_int();
    if (status == 200 && !parser_.get().body().empty()) {
        const std::string chunk = std::move(parser_.get().body());
        parser_.get().body().clear();
        lines_.feed(chunk, [this](std::string_view line) { return on_line(line); });
        if (ended_) return;
    }
    if (ec || parser_.is_done()) {
        if (status != 200 && parser_.is_header_done()) {
            return end(UpstreamEnd::Kind::failed, "Ollama returned HTTP " + std::to_string(status) +
                                                      ": " + parser_.get().body());
        }
        return end(UpstreamEnd::Kind::failed,
                   "Ollama closed the stream before it was done (after " + std::to_string(tokens_) +
                       " tokens)");
    }
    http::async_read_some(
        socket_, buffer_, parser_,
        [self = shared_from_this()](beast::error_code rec, std::size_t) { self->on_read(rec); });
}

bool OllamaStream::on_line(std::string_view line) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        end(UpstreamEnd::Kind::failed, "Ollama sent a line that is not JSON");
    } else if (j.contains("error")) {
        end(UpstreamEnd::Kind::failed, "Ollama reported an error: " + j["error"].dump());
    } else {
        const std::string token = j.value("response", "");
        if (!token.empty()) {
            ++tokens_;
            on_token_(token);
        }
        if (j.value("done", false)) end(UpstreamEnd::Kind::done, {});
    }
    return !ended_;
}

// Re-armed when it fires, like mcp-server's client: cheaper than a reset on every read.
void OllamaStream::arm_timer() {
    timer_.expires_at(last_activity_ + timeout_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->ended_) return;
        if (Clock::now() - self->last_activity_ < self->timeout_) return self->arm_timer();
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.3g s",
                      static_cast<double>(self->timeout_.count()) / 1000);
        self->end(UpstreamEnd::Kind::stalled, "Ollama sent nothing for " + std::string(secs) +
                                                  " after " + std::to_string(self->tokens_) +
                                                  " tokens; request abandoned");
    });
}

void OllamaStream::end(UpstreamEnd::Kind kind, std::string message) {
    if (ended_) return;
    ended_ = true;
    timer_.cancel();
    beast::error_code ignored;
    socket_.socket().close(ignored);
    auto on_end = std::move(on_end_);
    on_token_ = nullptr;
    on_end(UpstreamEnd{kind, std::move(message)});
}

}  // namespace harness_e2e
