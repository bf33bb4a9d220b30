// mock-ollama's HTTP input path without a socket: raw bytes into the same Beast parser, with
// the same limits, that HttpSession uses (request_reader.hpp: configure_request_parser,
// classify_read_error, take_request), read the way the session reads (headers first, then the
// body, end of input as the peer's EOF), pipelined requests one after the other; each parsed
// request goes to Api::handle. Replies must be well-formed (mock_fuzz_checks.hpp).
#include <cstdint>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "mock_fuzz_checks.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/wire.hpp"
#include "http/request_reader.hpp"

namespace {

namespace http = boost::beast::http;

// Feeds `rest` to the parser as the session's reads would; returns the bytes consumed.
std::size_t feed(mock_ollama::RequestParser& parser, std::string_view rest,
                 boost::beast::error_code& ec) {
    std::size_t used = 0;
    while (!parser.is_done()) {
        if (parser.is_header_done()) parser.eager(true);  // async_read: the whole body
        const auto n = parser.put(boost::asio::buffer(rest.data() + used, rest.size() - used), ec);
        used += n;
        if (ec && ec != http::error::need_more) return used;
        ec = {};
        if (n == 0) {
            // Every byte left was offered and none could be used: the input ends here, as
            // when the peer closes.
            parser.put_eof(ec);
            return used;
        }
    }
    return used;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    mock_ollama::MockConfig config;
    config.runtime.pacing.tokens = 20;
    mock_ollama::Stats stats;
    mock_ollama::RequestLog log(16);
    mock_ollama::Api api(config, stats, log, common::Logger("fuzz", common::LogLevel::off));

    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (int i = 0; i < 8 && !rest.empty(); ++i) {
        mock_ollama::RequestParser parser;
        mock_ollama::configure_request_parser(parser, config);
        boost::beast::error_code ec;
        rest.remove_prefix(feed(parser, rest, ec));
        if (ec || !parser.is_done()) {
            if (!ec) return 0;
            const auto failure = mock_ollama::classify_read_error(ec, config);
            if (failure.action == mock_ollama::ReadFailure::Action::reply) {
                mock_fuzz::require(failure.status == 400 || failure.status == 413 ||
                                   failure.status == 431);
                mock_fuzz::check_reply(
                    {mock_ollama::http_error(failure.status, failure.message, true), true}, false);
            }
            return 0;  // the session closes the connection after a failed read
        }
        const auto req = mock_ollama::take_request(parser);
        const auto out = api.handle(req, 1'700'000'000'000'000);
        mock_fuzz::check_outcome(out, req.method == "HEAD");
        mock_fuzz::check_no_internal_error(api);
        if (!req.keep_alive) return 0;
    }
    return 0;
}
