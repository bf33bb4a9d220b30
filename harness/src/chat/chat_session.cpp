#include "chat/chat_session.hpp"

#include <csignal>

#include <boost/asio/post.hpp>

#include "chat/screen_text.hpp"

namespace harness::chat {

namespace net = boost::asio;
using json = nlohmann::json;

namespace {

constexpr auto kTick = std::chrono::milliseconds(200);

// What went wrong with a call, as the server said it: the tool's own text when it answered
// isError, the JSON-RPC error's message, or the transport's error.
std::string failure_text(const CallRecord& call) {
    if (!call.error.empty()) return call.error;
    if (!call.responded()) return "no response";
    if (const auto e = call.response.find("error"); e != call.response.end()) {
        if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
            return (*e)["message"].get<std::string>() + " (JSON-RPC error " +
                   (e->contains("code") ? (*e)["code"].dump() : std::string("?")) + ")";
        }
        return e->dump();
    }
    return call.result_text();
}

json tool_call(const std::string& tool, json arguments) {
    return {{"name", tool}, {"arguments", std::move(arguments)}};
}

}  // namespace

ChatSession::ChatSession(net::io_context& io, Terminal& terminal, SessionOptions options)
    : io_(io),
      terminal_(terminal),
      options_(std::move(options)),
      client_(McpClient::create(io)),
      input_(io, terminal.open_input()),
      signals_(io, SIGINT, SIGTERM),
      ticker_(io) {
    if (terminal_.interactive()) signals_.add(SIGWINCH);
}

void ChatSession::start() {
    watch_signals();
    client_->on_close([this](const ClientError& e) {
        if (state_ == State::quitting) return;
        fail("the connection to " + options_.server_name + " was lost" +
             (e ? ": " + e.message : std::string()));
    });
    say("connecting to " + options_.server_name + " ...\n");
    client_->connect(options_.url, options_.client, [this](const ClientError& e) {
        if (state_ == State::quitting) return;
        if (e) {
            return fail("cannot reach the server at " + options_.server_name + ": " + e.message);
        }
        client_->initialize({}, {{"name", "mcp-harness-chat"}, {"version", "1"}},
                            [this](CallRecord r) {
                                if (state_ == State::quitting) return;
                                if (!r.ok()) {
                                    return fail("initialize failed: " + failure_text(r));
                                }
                                say("connected. Search patients by a keyword (e.g. asthma); "
                                    "Ctrl-C cancels a summary, Ctrl-D or Ctrl-C at a prompt "
                                    "quits.\n");
                                ask_search();
                            });
    });
}

// Signals arrive here on the loop (Asio's signal_set): no work in a signal handler.
void ChatSession::watch_signals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        on_signal(signal);
        if (state_ != State::quitting) watch_signals();
    });
}

void ChatSession::on_signal(int signal) {
    if (signal == SIGWINCH) return terminal_.resized();
    if (signal == SIGTERM) return quit(0);
    switch (state_) {
        case State::searching:
        case State::generating:
            if (!call_id_.empty() && !cancel_asked_) {
                cancel_asked_ = true;
                client_->cancel(call_id_, "cancelled at the keyboard (Ctrl-C)");
            }
            return;
        case State::saving:
            say("\n(saving: wait for the answer; it cannot be taken back half-way)\n");
            return;
        case State::quitting:
            return;
        case State::connecting:
        case State::asking:
            say("\n");
            return quit(0);
    }
}

void ChatSession::ask(const std::string& prompt, std::function<void(const std::string&)> answer) {
    state_ = State::asking;
    say(prompt);
    input_.next([this, prompt, answer = std::move(answer)](std::optional<Line> line) {
        if (state_ == State::quitting) return;
        if (!line) {
            say("\n");
            return quit(0);  // Ctrl-D, or the end of piped input
        }
        // Piped input is not shown by any terminal: echo it, so the transcript reads.
        if (!terminal_.input_echoed()) say(printable(line->text) + "\n");
        if (line->too_long) {
            say("that line is too long; try again\n");
            return ask(prompt, answer);
        }
        answer(line->text);
    });
}

void ChatSession::ask_search() {
    ask("\nsearch> ", [this](const std::string& line) {
        const std::string keyword(trimmed(line));
        if (keyword.empty()) return ask_search();
        search(keyword);
    });
}

void ChatSession::search(const std::string& keyword) {
    state_ = State::searching;
    cancel_asked_ = false;
    call_id_ = client_->call(
        "tools/call", tool_call("search_patients_by_disease", {{"disease_keyword", keyword}}),
        [this](CallRecord r) {
            call_id_.clear();
            if (state_ == State::quitting || !usable(r, "cancelled\n")) return;
            const std::string text = r.result_text();
            say(printable(text) + "\n");
            hits_ = parse_hits(text);
            if (hits_.empty()) return ask_search();
            ask_pick();
        });
}

bool ChatSession::usable(const CallRecord& r, const char* cancelled_text) {
    if (cancel_asked_) {
        say(cancelled_text);
    } else if (!r.ok()) {
        say("error: " + printable(failure_text(r)) + "\n");
    } else {
        return true;
    }
    ask_search();
    return false;
}

void ChatSession::ask_pick() {
    ask("pick 1-" + std::to_string(hits_.size()) + " or a patient id (empty: new search)> ",
        [this](const std::string& line) {
            const Pick p = parse_pick(line, hits_);
            switch (p.kind) {
                case Pick::Kind::patient:
                    return generate(p.patient_id);
                case Pick::Kind::search_again:
                    return ask_search();
                case Pick::Kind::invalid:
                    say(p.error + "\n");
                    return ask_pick();
            }
        });
}

void ChatSession::generate(const std::string& patient_id) {
    state_ = State::generating;
    cancel_asked_ = false;
    tokens_ = 0;
    frame_ = 0;
    first_token_s_ = -1;
    at_line_start_ = true;
    say("generating a summary for " + printable(patient_id) + " ...\n");
    terminal_.echo(false);
    terminal_.begin_status();
    sent_at_ = Clock::now();
    draw();
    tick();
    RequestOptions opts;
    opts.progress = true;      // notifications/progress: the token stream of every transport
    opts.keep_tokens = false;  // shown as they come; the result holds the whole text
    call_id_ = client_->request(
        "tools/call", tool_call("generate_summary", {{"patient_id", patient_id}}),
        [this](const CallRecord&, const TokenArrival& t) { token(t); },
        [this, patient_id](CallRecord r) {
            call_id_.clear();
            ticker_.cancel();
            terminal_.end_status();
            terminal_.echo(true);
            if (state_ == State::quitting) return;
            if (!at_line_start_) say("\n");
            if (!usable(r, "cancelled: nothing saved\n")) return;
            const std::string text = r.result_text();
            say("\n--- " + timing_line(figures()) + " ---\n" + printable(text) + "\n");
            ask_save(patient_id, summary_of_result(text));
        },
        opts);
}

void ChatSession::token(const TokenArrival& t) {
    if (state_ != State::generating || cancel_asked_) return;
    if (tokens_++ == 0) {
        first_token_s_ = std::chrono::duration<double>(Clock::now() - sent_at_).count();
    }
    const std::string shown = printable(t.text);
    if (!shown.empty()) at_line_start_ = shown.back() == '\n';
    say(shown);
    draw();
}

StreamFigures ChatSession::figures() const {
    return {tokens_, std::chrono::duration<double>(Clock::now() - sent_at_).count(),
            first_token_s_};
}

void ChatSession::draw() {
    if (terminal_.interactive())
        terminal_.draw_status(status_line(figures(), frame_, terminal_.columns()));
}

// The indicator moves even while no token comes (a slow first token, a stall).
void ChatSession::tick() {
    ticker_.expires_after(kTick);
    ticker_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || state_ != State::generating) return;
        ++frame_;
        draw();
        tick();
    });
}

void ChatSession::ask_save(const std::string& patient_id, const std::string& summary) {
    ask("save this summary for " + printable(patient_id) + "? [y/N]> ",
        [this, patient_id, summary](const std::string& line) {
            const auto yes = parse_yes_no(line);
            if (!yes) {
                say("answer y or n\n");
                return ask_save(patient_id, summary);
            }
            if (!*yes) {
                say("not saved\n");
                return ask_search();
            }
            save(patient_id, summary);
        });
}

// update_patient_summary with the text just shown: the person decides after reading it,
// which generate_summary's `save` (decided before the first token) cannot offer.
void ChatSession::save(const std::string& patient_id, const std::string& summary) {
    state_ = State::saving;
    client_->call(
        "tools/call",
        tool_call("update_patient_summary", {{"patient_id", patient_id}, {"summary", summary}}),
        [this](CallRecord r) {
            if (state_ == State::quitting) return;
            say((r.ok() ? printable(r.result_text()) : "error: " + printable(failure_text(r))) +
                "\n");
            ask_search();
        });
}

void ChatSession::fail(const std::string& what) {
    terminal_.end_status();
    terminal_.error("\nmcp-harness chat: " + printable(what) + "\n");
    quit(2);
}

void ChatSession::quit(int code) {
    if (state_ == State::quitting) return;
    state_ = State::quitting;
    exit_code_ = code;
    input_.stop();
    ticker_.cancel();
    terminal_.end_status();
    terminal_.echo(true);
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    // The loop ends once the client has closed (a DELETE of the HTTP session, stdin of a
    // stdio server closed and awaited); a close that hangs is cut short.
    auto guard = std::make_shared<net::steady_timer>(io_, std::chrono::seconds(3));
    guard->async_wait([this](const boost::system::error_code& ec) {
        if (!ec) io_.stop();
    });
    client_->close([this, guard](const ClientError&) {
        guard->cancel();
        net::post(io_, [this] { io_.stop(); });
    });
}

}  // namespace harness::chat
