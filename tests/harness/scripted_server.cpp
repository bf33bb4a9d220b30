#include "scripted_server.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace harness::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

ScriptedServer::ScriptedServer(Script script, bool select_mcp, int connections)
    : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, script = std::move(script), select_mcp, connections] {
        for (int i = 0; i < connections; ++i) {
            beast::error_code ec;
            tcp::socket socket(io_);
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            WsStream ws(std::move(socket));
            beast::flat_buffer buffer;
            beast::http::request<beast::http::string_body> req;
            beast::http::read(ws.next_layer(), buffer, req, ec);
            if (ec) return;
            const std::string offered(req[beast::http::field::sec_websocket_protocol]);
            {
                std::lock_guard lock(mutex_);
                offered_ = offered;
            }
            const bool mcp = select_mcp && offered == "mcp";
            ws.set_option(websocket::stream_base::decorator([mcp](websocket::response_type& res) {
                if (mcp) res.set(beast::http::field::sec_websocket_protocol, "mcp");
            }));
            ws.accept(req, ec);
            if (ec) return;
            try {
                script(ws);
            } catch (const std::exception&) {
                // The client went away in the middle of the script: the test decides.
            }
        }
    });
}

ScriptedServer::~ScriptedServer() {
    // A blocked accept() is woken by a connection, not by closing the acceptor.
    stopping_ = true;
    boost::asio::io_context io;
    tcp::socket poke(io);
    beast::error_code ignored;
    poke.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ignored);
    if (thread_.joinable()) thread_.join();
}

std::string read_text(WsStream& ws) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws.read(buffer, ec);
    if (ec) return {};
    return beast::buffers_to_string(buffer.data());
}

}  // namespace harness::test
