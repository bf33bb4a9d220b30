#pragma once
// How the mock reads one request off the wire: the Beast parser with its limits, what each
// read error is answered with, and the conversion into an HttpRequest. Shared by HttpSession
// and the HTTP fuzz target, so that the fuzzer exercises exactly what the server runs.
#include <cstddef>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mock_ollama/api.hpp"
#include "mock_ollama/config.hpp"

namespace mock_ollama {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

inline constexpr std::size_t kHeaderLimit = 64 * 1024;

// Sets the header and body limits of a fresh parser.
void configure_request_parser(RequestParser& parser, const MockConfig& config);

// What a failed read means for the connection.
struct ReadFailure {
    enum class Action {
        close,    // the peer went away: close quietly
        timeout,  // the request was not complete in time: count it, close
        reply,    // answer `status` {"error": message}, then close
    };
    Action action = Action::close;
    int status = 0;
    std::string message;
};
ReadFailure classify_read_error(boost::beast::error_code ec, const MockConfig& config);

// The parsed message as the API sees it; the body is moved out of the parser.
HttpRequest take_request(RequestParser& parser);

}  // namespace mock_ollama
