#include "http/request_reader.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace mock_ollama {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

void configure_request_parser(RequestParser& parser, const MockConfig& config) {
    parser.body_limit(config.body_limit);
    parser.header_limit(kHeaderLimit);
}

ReadFailure classify_read_error(beast::error_code ec, const MockConfig& config) {
    using Action = ReadFailure::Action;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
        return {Action::close, 0, {}};
    }
    if (ec == beast::error::timeout) {
        return {Action::timeout, 0,
                "request not complete within " + std::to_string(config.header_timeout.count()) +
                    " ms; connection closed"};
    }
    if (ec == http::error::body_limit) {
        return {Action::reply, 413,
                "request body larger than " + std::to_string(config.body_limit) + " bytes"};
    }
    if (ec == http::error::header_limit) {
        return {Action::reply, 431,
                "request headers larger than " + std::to_string(kHeaderLimit) + " bytes"};
    }
    return {Action::reply, 400, "malformed HTTP request: " + ec.message()};
}

HttpRequest take_request(RequestParser& parser) {
    auto& msg = parser.get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.keep_alive = msg.keep_alive();
    for (const auto& field : msg) {
        req.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    req.body = std::move(msg.body());
    return req;
}

}  // namespace mock_ollama
