#pragma once
// The last line of defence against a bug: an exception from a request handler becomes a 500
// for that request, and one from any completion handler is logged while the event loop runs
// on. Either way the process keeps serving (an exception leaving io_context::run on an I/O
// thread would otherwise end it).
#include <functional>

#include <boost/asio/io_context.hpp>

#include "common/log.hpp"
#include "mock_ollama/api.hpp"

namespace mock_ollama {

// Runs `handler` for `request`; whatever it throws is logged as an error and answered with
// 500 {"error": "mock-ollama internal error while handling METHOD PATH: WHAT"}.
Outcome guard_handler(const HttpRequest& request, const common::Logger& log,
                      const std::function<Outcome()>& handler);

// io.run() until it returns normally; an exception escaping a handler is logged and the loop
// is entered again.
void run_event_loop(boost::asio::io_context& io, const common::Logger& log);

}  // namespace mock_ollama
