#include "mock_ollama/handler_guard.hpp"

#include <exception>

#include "mock_ollama/wire.hpp"
#include "api/safe_text.hpp"

namespace mock_ollama {

namespace {
std::string current_exception_text() {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}
}  // namespace

Outcome guard_handler(const HttpRequest& request, const common::Logger& log,
                      const std::function<Outcome()>& handler) {
    try {
        return handler();
    } catch (...) {
        const std::string message = "mock-ollama internal error while handling " + request.method +
                                    " " + std::string(request.path()) + ": " +
                                    current_exception_text();
        log.error(escape_invalid_utf8(message));
        // The request was read whole, so the connection stays usable.
        return Reply{http_error(500, message), !request.keep_alive};
    }
}

void run_event_loop(boost::asio::io_context& io, const common::Logger& log) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (...) {
            log.error("uncaught exception in an I/O handler (the loop carries on): " +
                      escape_invalid_utf8(current_exception_text()));
        }
    }
}

}  // namespace mock_ollama
