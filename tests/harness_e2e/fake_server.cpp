#include "fake_server.hpp"

#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/utf8.hpp"
#include "core/patients.hpp"
#include "core/tools.hpp"
#include "ollama_stream.hpp"

namespace harness_e2e {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using json = nlohmann::json;

std::string_view to_string(Flaw flaw) {
    static constexpr std::string_view kNames[] = {"none",
                                                  "reorder_tokens",
                                                  "drop_token",
                                                  "duplicate_token",
                                                  "batch_at_end",
                                                  "partial_save",
                                                  "save_differs",
                                                  "corrupt_other_row",
                                                  "leave_temp_file",
                                                  "late_timeout",
                                                  "save_on_stall",
                                                  "crosstalk",
                                                  "positions_in_bytes",
                                                  "final_differs",
                                                  "multiline_error",
                                                  "wrong_error_code",
                                                  "dies_after_error"};
    const auto i = static_cast<std::size_t>(flaw);
    return i < std::size(kNames) ? kNames[i] : "?";
}

namespace {

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The first `n` code points of `s`: a cut that never splits a character.
std::string first_code_points(const std::string& s, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t k = 0; k < n && i < s.size(); ++k) {
        i += common::utf8::sequence_length(static_cast<unsigned char>(s[i]));
    }
    return s.substr(0, std::min(i, s.size()));
}

class Session;
struct Call;

// Everything the server shares; touched only on the io thread.
struct State {
    FakeServerOptions opt;
    net::any_io_executor executor;
    tcp::endpoint ollama;
    std::vector<core::Patient> patients;
    std::map<std::string, std::size_t> index;  // id -> row
    std::vector<std::string> summaries;        // per patient
    fs::path patients_csv, summaries_csv;
    std::vector<std::weak_ptr<Call>> calls;  // generate calls in flight
    // crosstalk: a token taken from one connection's call, for another connection's call.
    std::optional<std::string> stray;
    const Session* stray_from = nullptr;
    bool crosstalk_done = false;

    bool flaw(Flaw f) const { return opt.flaw == f; }

    void write_csv(bool saving) {
        std::string out;
        common::csv::append_row(out, {"patient_id", "name", "summary"});
        for (std::size_t i = 0; i < patients.size(); ++i) {
            common::csv::append_row(
                out, {std::string_view(patients[i].patient_id), std::string_view(patients[i].name),
                      std::string_view(summaries[i])});
        }
        const fs::path tmp = summaries_csv.string() + ".tmp";
        {
            std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
            f << out;
            if (!f) throw std::runtime_error("cannot write " + tmp.string());
        }
        if (saving && flaw(Flaw::leave_temp_file)) {
            fs::copy_file(tmp, summaries_csv, fs::copy_options::overwrite_existing);
        } else {
            fs::rename(tmp, summaries_csv);
        }
    }

    void save(std::size_t row, std::string text) {
        summaries[row] = std::move(text);
        if (flaw(Flaw::corrupt_other_row)) {
            const std::size_t other = (row + 1) % summaries.size();
            summaries[other] = "overwritten while saving " + patients[row].patient_id;
        }
        write_csv(true);
    }
};

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, State& state) : ws_(std::move(socket)), state_(state) {}

    void start() {
        http::async_read(ws_.next_layer(), buffer_, request_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (!ec) self->accept();
                         });
    }

    void send(std::string frame) {
        if (closed_) return;
        queue_.push_back(std::move(frame));
        if (!writing_) write_next();
    }

    void result(const json& id, json result) {
        send(dump({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}));
    }

    void rpc_error(const json& id, int code, const std::string& message) {
        send(dump(
            {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}}));
    }

    void tool_result(const json& id, std::string text, bool is_error) {
        if (is_error && state_.flaw(Flaw::multiline_error)) {
            text += "\nPlease check the request and try again.";
        }
        result(id, core::text_result(std::move(text), is_error));
        if (is_error && state_.flaw(Flaw::dies_after_error)) {
            close_when_drained_ = true;
            if (!writing_) write_next();
        }
    }

    void stop() {
        closed_ = true;
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

  private:
    void accept() {
        const bool mcp = request_[http::field::sec_websocket_protocol] == "mcp";
        ws_.set_option(websocket::stream_base::decorator([mcp](websocket::response_type& res) {
            if (mcp) res.set(http::field::sec_websocket_protocol, "mcp");
        }));
        ws_.text(true);
        ws_.async_accept(request_, [self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->read();
        });
    }

    void read() {
        buffer_.consume(buffer_.size());
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->closed_ = true;
                return;
            }
            self->on_message(beast::buffers_to_string(self->buffer_.data()));
            if (!self->closed_) self->read();
        });
    }

    void write_next() {
        if (closed_) return;
        if (queue_.empty()) {
            if (!close_when_drained_) return;
            closed_ = true;
            writing_ = true;
            ws_.async_close(websocket::close_code::normal,
                            [self = shared_from_this()](beast::error_code) { self->stop(); });
            return;
        }
        writing_ = true;
        ws_.async_write(net::buffer(queue_.front()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            self->writing_ = false;
                            self->queue_.pop_front();
                            if (ec) return self->stop();
                            self->write_next();
                        });
    }

    void on_message(const std::string& text);
    void tools_call(const json& id, const json& params);

    websocket::stream<beast::tcp_stream> ws_;
    State& state_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    std::deque<std::string> queue_;
    bool writing_ = false, close_when_drained_ = false, closed_ = false;
};

// One generate_summary call: the upstream stream from the mock, the relay of its tokens
// (where most flaws live), the save and the final answer.
struct Call : std::enable_shared_from_this<Call> {
    Call(std::shared_ptr<Session> s, State& st, json request_id, std::size_t patient_row,
         bool save_it, json token)
        : session(std::move(s)),
          state(st),
          id(std::move(request_id)),
          row(patient_row),
          save(save_it),
          progress_token(std::move(token)) {}

    void start() {
        auto timeout = state.opt.ollama_timeout;
        if (state.flaw(Flaw::late_timeout)) timeout += std::chrono::seconds(3);
        // The stream keeps this call alive through its callbacks until it ends.
        std::make_shared<OllamaStream>(state.executor, state.ollama, timeout)
            ->start(
                core::summary_prompt(state.patients[row]),
                [self = shared_from_this()](const std::string& token) {
                    ++self->upstream_tokens;
                    self->text += token;
                    self->relay(token);
                },
                [self = shared_from_this()](const UpstreamEnd& end) { self->ended(end); });
    }

    // Most flaws: what the client is sent for the i-th upstream token.
    void relay(const std::string& token) {
        if (state.stray && state.stray_from != session.get()) {
            emit(*state.stray);
            state.stray.reset();
        }
        const std::size_t i = upstream_tokens - 1;
        switch (state.opt.flaw) {
            case Flaw::reorder_tokens:
                if (i == 1) {
                    held = token;
                    return;
                }
                emit(token);
                if (held) emit(*std::exchange(held, std::nullopt));
                return;
            case Flaw::drop_token:
                if (i == 2) return;
                break;
            case Flaw::duplicate_token:
                if (i == 2) emit(token);
                break;
            case Flaw::crosstalk:
                if (i == 10 && !state.crosstalk_done) {
                    state.crosstalk_done = true;
                    for (const auto& weak : state.calls) {
                        const auto other = weak.lock();
                        if (other && other->session != session && !other->finished) {
                            other->emit(token);
                            return;
                        }
                    }
                    state.stray = token;  // for the next token of another connection's call
                    state.stray_from = session.get();
                    return;
                }
                break;
            default:
                break;
        }
        emit(token);
    }

    void emit(const std::string& token) {
        ++sent;
        code_points += common::utf8::code_points(token);
        bytes += token.size();
        json frame;
        if (progress_token.is_null()) {
            const std::size_t position = state.flaw(Flaw::positions_in_bytes) ? bytes : code_points;
            frame = {
                {"type", "stream_token"}, {"token", token}, {"position", position}, {"id", id}};
        } else {
            frame = {{"jsonrpc", "2.0"},
                     {"method", "notifications/progress"},
                     {"params",
                      {{"progressToken", progress_token}, {"progress", sent}, {"message", token}}}};
        }
        if (state.flaw(Flaw::batch_at_end)) {
            batched.push_back(dump(frame));
        } else {
            session->send(dump(frame));
        }
    }

    void flush() {
        if (held) emit(*std::exchange(held, std::nullopt));
        for (auto& frame : batched) session->send(std::move(frame));
        batched.clear();
    }

    void ended(const UpstreamEnd& end) {
        finished = true;
        flush();
        switch (end.kind) {
            case UpstreamEnd::Kind::done:
                return complete();
            case UpstreamEnd::Kind::stalled:
                if (save && state.flaw(Flaw::save_on_stall)) {
                    state.save(row, core::trim_summary(text));
                }
                break;
            case UpstreamEnd::Kind::failed:
                break;
        }
        session->tool_result(id, end.message, true);
    }

    void complete() {
        const std::string summary = core::trim_summary(text);
        if (summary.empty()) {
            return session->tool_result(id, "Ollama returned an empty summary; nothing saved",
                                        true);
        }
        if (save) {
            std::string saved = summary;
            if (state.flaw(Flaw::partial_save)) {
                saved = first_code_points(summary, common::utf8::code_points(summary) / 2);
            } else if (state.flaw(Flaw::save_differs)) {
                saved = "(edited) " + summary;
            }
            state.save(row, std::move(saved));
        }
        std::string answered = summary;
        if (state.flaw(Flaw::final_differs)) answered += " Follow-up in two weeks.";
        session->tool_result(id, core::generated_summary_text(state.patients[row], answered),
                             false);
    }

    std::shared_ptr<Session> session;
    State& state;
    json id;
    std::size_t row;
    bool save;
    json progress_token;  // null: legacy frames
    std::string text;     // everything the upstream sent
    std::size_t upstream_tokens = 0, sent = 0, code_points = 0, bytes = 0;
    std::optional<std::string> held;   // reorder_tokens
    std::vector<std::string> batched;  // batch_at_end
    bool finished = false;
};

void Session::on_message(const std::string& text) {
    const json msg = json::parse(text, nullptr, false);
    if (msg.is_discarded()) return rpc_error(nullptr, -32700, "Parse error");
    if (!msg.is_object() || !msg.contains("method") || !msg["method"].is_string()) {
        if (msg.is_object() && (msg.contains("result") || msg.contains("error"))) return;
        return rpc_error(msg.is_object() ? msg.value("id", json()) : json(), -32600,
                         "Invalid request");
    }
    const std::string method = msg["method"].get<std::string>();
    if (!msg.contains("id")) return;  // notifications: accepted, never answered
    const json& id = msg["id"];
    const json params = msg.value("params", json::object());
    if (method == "initialize") {
        return result(id, {{"protocolVersion", params.value("protocolVersion", "2025-06-18")},
                           {"capabilities", {{"tools", {{"listChanged", false}}}}},
                           {"serverInfo", {{"name", "fake-mcp-server"}, {"version", "0"}}}});
    }
    if (method == "ping") return result(id, json::object());
    if (method == "tools/list") return result(id, core::tools_list());
    if (method == "tools/call") return tools_call(id, params);
    rpc_error(id, -32601, "Method not found: " + method);
}

void Session::tools_call(const json& id, const json& params) {
    if (!params.is_object() || !params.contains("name") || !params["name"].is_string()) {
        return rpc_error(id, -32602, "tools/call: 'name' (string) is required");
    }
    const std::string name = params["name"].get<std::string>();
    if (name != "generate_summary" && name != "get_patient_summary") {
        return rpc_error(id, state_.flaw(Flaw::wrong_error_code) ? -32603 : -32602,
                         "Unknown tool: " + name);
    }
    const json args = params.value("arguments", json::object());
    if (!args.is_object() || !args.contains("patient_id") || !args["patient_id"].is_string()) {
        return rpc_error(id, -32602,
                         "Missing required argument 'patient_id' for tool '" + name + "'");
    }
    const std::string patient_id = args["patient_id"].get<std::string>();
    const auto it = state_.index.find(patient_id);
    if (it == state_.index.end()) {
        return tool_result(id, core::patient_not_found_text(patient_id), true);
    }
    if (name == "get_patient_summary") {
        return tool_result(
            id,
            core::patient_summary_text(state_.patients[it->second], state_.summaries[it->second]),
            false);
    }
    const bool save =
        args.contains("save") && args["save"].is_boolean() && args["save"].get<bool>();
    json token;
    if (params.contains("_meta") && params["_meta"].is_object()) {
        token = params["_meta"].value("progressToken", json());
    }
    auto call = std::make_shared<Call>(shared_from_this(), state_, id, it->second, save, token);
    state_.calls.push_back(call);
    call->start();
}

}  // namespace

struct FakeServer::Impl {
    net::io_context io;
    State state;
    tcp::acceptor acceptor{io};
    std::thread thread;

    void accept() {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec) return;
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);  // tokens are small frames
            auto session = std::make_shared<Session>(std::move(socket), state);
            session->start();
            accept();
        });
    }
};

FakeServer::FakeServer(FakeServerOptions options) : impl_(std::make_unique<Impl>()) {
    State& s = impl_->state;
    s.opt = std::move(options);
    s.executor = impl_->io.get_executor();
    // "http://127.0.0.1:PORT"
    const std::string& url = s.opt.ollama_url;
    const auto colon = url.rfind(':');
    const auto host_at = url.find("://");
    if (colon == std::string::npos || host_at == std::string::npos) {
        throw std::invalid_argument("ollama_url must be http://HOST:PORT, got " + url);
    }
    const std::string host = url.substr(host_at + 3, colon - host_at - 3);
    const auto port = static_cast<unsigned short>(std::stoul(url.substr(colon + 1)));
    s.ollama = tcp::endpoint(net::ip::make_address(host), port);

    s.patients = core::generate_patients(s.opt.patients);
    for (std::size_t i = 0; i < s.patients.size(); ++i) s.index[s.patients[i].patient_id] = i;
    s.summaries.assign(s.patients.size(), std::string());
    fs::create_directories(s.opt.data_dir);
    s.patients_csv = s.opt.data_dir / "patients_data.csv";
    s.summaries_csv = s.opt.data_dir / "patient_summaries.csv";
    {
        std::ofstream f(s.patients_csv, std::ios::binary | std::ios::trunc);
        f << core::patients_to_csv(s.patients);
        if (!f) throw std::runtime_error("cannot write " + s.patients_csv.string());
    }
    s.write_csv(false);

    auto& acceptor = impl_->acceptor;
    const tcp::endpoint local(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(local.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(local);
    acceptor.listen();
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] {
        for (;;) {
            try {
                impl->io.run();
                return;
            } catch (const std::exception& e) {
                // A test double's own bug: say so, and keep serving so the test can end.
                std::fprintf(stderr, "fake MCP server: %s\n", e.what());
            }
        }
    });
}

FakeServer::~FakeServer() {
    impl_->io.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeServer::url() const {
    return "ws://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + "/mcp";
}

fs::path FakeServer::patients_csv() const {
    return impl_->state.patients_csv;
}

fs::path FakeServer::summaries_csv() const {
    return impl_->state.summaries_csv;
}

}  // namespace harness_e2e
