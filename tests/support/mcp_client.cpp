#include "support/mcp_client.hpp"

#include <deque>
#include <functional>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "common/clock.hpp"
#include "harness/mcp_client.hpp"

namespace test_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

// The harness's URL parser (harness/mcp_client.hpp), with the port as a number: the test
// client connects to an IP address, never resolves a name.
struct Url {
    std::string host;
    unsigned short port = 0;
    std::string target;
};

Url ws_url(const std::string& url) {
    const auto parsed = harness::parse_ws_url(url);
    if (!parsed) throw std::invalid_argument("not a ws://host:port URL: " + url);
    return {parsed->host, static_cast<unsigned short>(std::stoul(parsed->port)), parsed->target};
}

std::string clip(const std::string& s, std::size_t n = 300) {
    return s.size() <= n ? s : s.substr(0, n) + "...(" + std::to_string(s.size()) + " bytes)";
}

// State of one operation, shared with its handler so that a handler that completes after
// the caller gave up never touches a dead stack frame.
struct OpState {
    bool done = false;
    beast::error_code ec;
    std::string data;  // a write's bytes
};

}  // namespace

bool Frame::is_token() const {
    return is_message() && json.is_object() && json.value("type", "") == "stream_token";
}

bool Frame::is_progress() const {
    return is_message() && json.is_object() && json.value("method", "") == "notifications/progress";
}

bool Frame::is_response_to(const nlohmann::json& id) const {
    return is_message() && json.is_object() && !json.contains("method") && json.contains("id") &&
           json["id"] == id && (json.contains("result") || json.contains("error"));
}

std::string Frame::describe() const {
    switch (kind) {
        case Kind::message:
            return "frame " + clip(text);
        case Kind::closed:
            return "closed by the server: code " + std::to_string(close_code) + " reason '" +
                   close_reason + "' (" + error + ")";
        case Kind::failed:
            return "connection failed: " + error;
    }
    return "?";
}

bool CallResult::has_result() const {
    return ok && json().contains("result");
}

nlohmann::json CallResult::result() const {
    return ok ? json().value("result", nlohmann::json()) : nlohmann::json();
}

nlohmann::json CallResult::error() const {
    return ok ? json().value("error", nlohmann::json()) : nlohmann::json();
}

bool CallResult::is_tool_error() const {
    return result().value("isError", false);
}

std::string CallResult::text() const {
    const auto r = result();
    if (!r.is_object() || !r.contains("content") || !r["content"].is_array() ||
        r["content"].empty() || !r["content"][0].is_object()) {
        return {};
    }
    return r["content"][0].value("text", "");
}

std::string CallResult::describe() const {
    std::string s = ok ? "response " + clip(response.text, 600) : "no response: " + failure;
    s += " (" + std::to_string(frames.size()) + " other frames";
    if (!frames.empty()) s += ", last: " + frames.back().describe();
    return s + ")";
}

struct McpClient::Impl {
    net::io_context ioc{1};
    websocket::stream<beast::tcp_stream> ws{ioc};
    beast::flat_buffer buffer;
    std::deque<Frame> inbox;
    bool reading = false;
    bool ended = false;     // a read failed or the close handshake completed
    bool end_seen = false;  // the caller received the end frame
    std::size_t pings = 0;
    std::string subprotocol;
    std::string last_error;

    ~Impl() {
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
        // Let aborted operations complete while `this` is alive.
        ioc.restart();
        ioc.run_for(std::chrono::milliseconds(200));
    }

    // Runs handlers until `done()` or `deadline`. False on timeout (or when nothing is left
    // that could make `done()` true).
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) {
        while (!done()) {
            if (ioc.stopped()) ioc.restart();
            if (Clock::now() >= deadline) return false;
            if (ioc.run_one_until(deadline) == 0 && Clock::now() < deadline) {
                return done();  // out of work
            }
        }
        return true;
    }

    void start_read() {
        if (reading || ended) return;
        reading = true;
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) { on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        reading = false;
        Frame f;
        f.at = Clock::now();
        f.wall_us = common::wall_micros();
        if (!ec) {
            f.text = beast::buffers_to_string(buffer.data());
            buffer.consume(buffer.size());
            f.json = json::parse(f.text, nullptr, false);
            inbox.push_back(std::move(f));
            start_read();
            return;
        }
        ended = true;
        f.error = ec.message();
        if (ec == websocket::error::closed) {
            f.kind = Frame::Kind::closed;
            f.close_code = static_cast<int>(ws.reason().code);
            f.close_reason = std::string(ws.reason().reason.data(), ws.reason().reason.size());
        } else {
            f.kind = Frame::Kind::failed;
        }
        inbox.push_back(std::move(f));
    }

    void fail_connection(const std::string& why) {
        last_error = why;
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
    }
};

McpClient::McpClient(const std::string& url, ConnectOptions options)
    : impl_(std::make_unique<Impl>()) {
    const Url u = ws_url(url);
    auto& ws = impl_->ws;
    auto& lowest = beast::get_lowest_layer(ws);
    const auto deadline = Clock::now() + options.timeout;
    if (options.receive_buffer > 0) {
        lowest.socket().open(tcp::v4());
        lowest.socket().set_option(net::socket_base::receive_buffer_size(options.receive_buffer));
    }
    auto st = std::make_shared<OpState>();
    lowest.expires_after(options.timeout);
    lowest.async_connect(tcp::endpoint(net::ip::make_address(u.host), u.port),
                         [st](beast::error_code ec) {
                             st->ec = ec;
                             st->done = true;
                         });
    if (!impl_->run_until([&] { return st->done; }, deadline + std::chrono::seconds(1)) || st->ec) {
        throw std::runtime_error("connect to " + url + " failed: " +
                                 (st->done ? st->ec.message() : std::string("timed out")));
    }
    if (options.subprotocol) {
        ws.set_option(websocket::stream_base::decorator(
            [p = *options.subprotocol](websocket::request_type& req) {
                req.set(http::field::sec_websocket_protocol, p);
            }));
    }
    auto response = std::make_shared<websocket::response_type>();
    st = std::make_shared<OpState>();
    ws.async_handshake(*response, u.host + ":" + std::to_string(u.port), u.target,
                       [st, response](beast::error_code ec) {
                           st->ec = ec;
                           st->done = true;
                       });
    if (!impl_->run_until([&] { return st->done; }, deadline + std::chrono::seconds(1)) || st->ec) {
        throw std::runtime_error("WebSocket handshake with " + url + " failed: " +
                                 (st->done ? st->ec.message() : std::string("timed out")) +
                                 " (HTTP " + std::to_string(response->result_int()) + ")");
    }
    // From here the WebSocket layer's own timeouts apply (the TCP layer's must be off).
    lowest.expires_never();
    auto t = websocket::stream_base::timeout::suggested(beast::role_type::client);
    t.handshake_timeout = options.timeout;  // also bounds the close handshake
    ws.set_option(t);
    ws.read_message_max(64u << 20);
    ws.control_callback([impl = impl_.get()](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::ping) ++impl->pings;
    });
    const auto selected = (*response)[http::field::sec_websocket_protocol];
    impl_->subprotocol.assign(selected.data(), selected.size());
    impl_->start_read();
}

McpClient::~McpClient() = default;

unsigned short McpClient::local_port() const {
    beast::error_code ec;
    const auto ep = beast::get_lowest_layer(impl_->ws).socket().local_endpoint(ec);
    return ec ? 0 : ep.port();
}

const std::string& McpClient::subprotocol() const {
    return impl_->subprotocol;
}

const std::string& McpClient::last_error() const {
    return impl_->last_error;
}

bool McpClient::is_open() const {
    return !impl_->ended;
}

std::size_t McpClient::pings_received() const {
    return impl_->pings;
}

bool McpClient::send_text(const std::string& text, std::chrono::milliseconds timeout) {
    return send_frame(text, true, timeout);
}

bool McpClient::send_binary(const std::string& bytes, std::chrono::milliseconds timeout) {
    return send_frame(bytes, false, timeout);
}

bool McpClient::send_frame(const std::string& text, bool as_text,
                           std::chrono::milliseconds timeout) {
    if (impl_->ended) {
        impl_->last_error = "connection already ended";
        return false;
    }
    auto st = std::make_shared<OpState>();
    st->data = text;
    impl_->ws.text(as_text);
    impl_->ws.async_write(net::buffer(st->data), [st](beast::error_code ec, std::size_t) {
        st->ec = ec;
        st->done = true;
    });
    impl_->start_read();  // keep reading (and answering pings) while writing
    if (!impl_->run_until([&] { return st->done; }, Clock::now() + timeout)) {
        impl_->fail_connection("write of " + std::to_string(text.size()) +
                               " bytes did not finish within " + std::to_string(timeout.count()) +
                               " ms");
        return false;
    }
    if (st->ec) {
        impl_->last_error = "write failed: " + st->ec.message();
        return false;
    }
    return true;
}

std::optional<Frame> McpClient::recv(std::chrono::milliseconds timeout) {
    auto& im = *impl_;
    if (im.inbox.empty() && !im.ended) {
        im.start_read();
        im.run_until([&] { return !im.inbox.empty(); }, Clock::now() + timeout);
    }
    if (im.inbox.empty()) return std::nullopt;
    Frame f = std::move(im.inbox.front());
    im.inbox.pop_front();
    if (!f.is_message()) {
        if (im.end_seen) return std::nullopt;
        im.end_seen = true;
    }
    return f;
}

std::vector<Frame> McpClient::drain(std::chrono::milliseconds timeout) {
    std::vector<Frame> out;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        auto f = recv(left);
        if (!f) break;
        out.push_back(std::move(*f));
        if (!out.back().is_message()) break;
    }
    return out;
}

json McpClient::next_id() {
    return next_id_++;
}

bool McpClient::start_call(const json& id, const std::string& method, const json& params) {
    json msg = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) msg["params"] = params;
    return send(msg);
}

bool McpClient::notify(const std::string& method, const json& params) {
    json msg = {{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) msg["params"] = params;
    return send(msg);
}

CallResult McpClient::await_response(const json& id, std::chrono::milliseconds timeout) {
    CallResult r;
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto f = left.count() > 0 ? recv(left) : std::nullopt;
        if (!f) {
            r.failure = "no response to id " + id.dump() + " within " +
                        std::to_string(timeout.count()) + " ms";
            return r;
        }
        if (f->is_response_to(id)) {
            r.ok = true;
            r.response = std::move(*f);
            return r;
        }
        const bool end = !f->is_message();
        if (end) r.failure = "waiting for id " + id.dump() + ": " + f->describe();
        r.frames.push_back(std::move(*f));
        if (end) return r;
    }
}

Responses McpClient::await_responses(const std::vector<json>& ids,
                                     std::chrono::milliseconds timeout) {
    Responses r;
    const auto deadline = Clock::now() + timeout;
    while (r.by_id.size() < ids.size()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto f = left.count() > 0 ? recv(left) : std::nullopt;
        if (!f) {
            r.failure = std::to_string(ids.size() - r.by_id.size()) + " of " +
                        std::to_string(ids.size()) + " responses missing after " +
                        std::to_string(timeout.count()) + " ms";
            return r;
        }
        bool mine = false;
        for (const auto& id : ids) {
            if (f->is_response_to(id) && r.by_id.count(id.dump()) == 0) {
                r.by_id[id.dump()] = *f;
                mine = true;
                break;
            }
        }
        if (mine) continue;
        const bool end = !f->is_message();
        if (end) r.failure = "connection ended: " + f->describe();
        r.others.push_back(std::move(*f));
        if (end) return r;
    }
    r.ok = true;
    return r;
}

CallResult McpClient::call_with_id(const json& id, const std::string& method, const json& params,
                                   std::chrono::milliseconds timeout) {
    if (!start_call(id, method, params)) {
        CallResult r;
        r.failure = "sending " + method + " failed: " + last_error();
        return r;
    }
    return await_response(id, timeout);
}

CallResult McpClient::call(const std::string& method, const json& params,
                           std::chrono::milliseconds timeout) {
    return call_with_id(next_id(), method, params, timeout);
}

CallResult McpClient::initialize(const std::string& protocol_version) {
    auto r = call("initialize",
                  {{"protocolVersion", protocol_version},
                   {"capabilities", json::object()},
                   {"clientInfo", {{"name", "server-integration-tests"}, {"version", "1"}}}});
    if (r.ok && !notify("notifications/initialized")) {
        r.ok = false;
        r.failure = "sending notifications/initialized failed: " + last_error();
    }
    return r;
}

json McpClient::tool_params(const std::string& name, const json& arguments,
                            const std::optional<json>& progress_token) {
    json params = {{"name", name}, {"arguments", arguments}};
    if (progress_token) params["_meta"] = {{"progressToken", *progress_token}};
    return params;
}

CallResult McpClient::tool(const std::string& name, const json& arguments,
                           std::chrono::milliseconds timeout,
                           const std::optional<json>& progress_token) {
    return call("tools/call", tool_params(name, arguments, progress_token), timeout);
}

void McpClient::close(std::chrono::milliseconds timeout) {
    auto& im = *impl_;
    if (im.ended) return;
    auto st = std::make_shared<OpState>();
    im.ws.async_close(websocket::close_code::normal, [st](beast::error_code ec) {
        st->ec = ec;
        st->done = true;
    });
    im.start_read();  // the server's close frame completes the pending read
    const auto deadline = Clock::now() + timeout;
    if (!im.run_until([&] { return st->done && !im.reading; }, deadline)) {
        im.fail_connection("close handshake did not finish within " +
                           std::to_string(timeout.count()) + " ms");
        im.run_until([&] { return st->done && !im.reading; },
                     Clock::now() + std::chrono::milliseconds(500));
    }
    im.ended = true;
}

void McpClient::abort() {
    auto& im = *impl_;
    im.fail_connection("aborted by the test");
    im.run_until([&] { return !im.reading; }, Clock::now() + std::chrono::milliseconds(500));
    im.ended = true;
}

}  // namespace test_support
