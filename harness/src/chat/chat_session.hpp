#pragma once
// One `mcp-harness chat` conversation on the event loop: connect and initialize, then round
// after round search → pick → generate_summary streamed with the live indicator → save or
// not. Ctrl-C cancels the call in flight (notifications/cancelled) and returns to the search
// prompt; at a prompt it quits, as does the end of the input.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "chat/choices.hpp"
#include "chat/indicator.hpp"
#include "chat/line_input.hpp"
#include "chat/terminal.hpp"
#include "harness/mcp_client.hpp"

namespace harness::chat {

struct SessionOptions {
    std::string url;  // "" for stdio
    ClientOptions client;
    std::string server_name;  // for messages: the URL or the command
};

class ChatSession {
  public:
    ChatSession(boost::asio::io_context& io, Terminal& terminal, SessionOptions options);
    void start();
    // 0 after a clean quit; 2 when the server could not be reached or was lost.
    int exit_code() const { return exit_code_; }

  private:
    enum class State { connecting, asking, searching, generating, saving, quitting };
    using Clock = std::chrono::steady_clock;

    void on_signal(int signal);
    void watch_signals();
    void ask(const std::string& prompt, std::function<void(const std::string&)> answer);
    void ask_search();
    void search(const std::string& keyword);
    // A call's end: true when it brought a result to use; otherwise says why not (cancelled,
    // or the error as the server gave it) and asks for a search again.
    bool usable(const CallRecord& call, const char* cancelled_text);
    void ask_pick();
    void generate(const std::string& patient_id);
    void token(const TokenArrival& t);
    void generated(CallRecord call);
    void ask_save(const std::string& patient_id, const std::string& summary);
    void save(const std::string& patient_id, const std::string& summary);
    void tick();
    void draw();
    StreamFigures figures() const;
    void quit(int code);
    // The session cannot go on (server unreachable or lost): a message on stderr, exit code 2.
    void fail(const std::string& what);
    void say(const std::string& text) { terminal_.write(text); }

    boost::asio::io_context& io_;
    Terminal& terminal_;
    SessionOptions options_;
    std::shared_ptr<McpClient> client_;
    LineInput input_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer ticker_;
    State state_ = State::connecting;
    int exit_code_ = 0;

    std::vector<Hit> hits_;
    std::string call_id_;  // the call Ctrl-C cancels ("" none)
    bool cancel_asked_ = false;
    Clock::time_point sent_at_{};
    double first_token_s_ = -1;
    std::uint64_t tokens_ = 0, frame_ = 0;
    bool at_line_start_ = true;
};

}  // namespace harness::chat
