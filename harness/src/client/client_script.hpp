#pragma once
// One client's part of a scenario: its steps, run in order (parallel groups at once) on one
// connection, each recorded as a StepRecord. Callbacks from the McpClient arrive on its
// strand and are moved onto this script's own strand, so the script's state has one owner.
//
// Lifetime: whoever starts a script keeps it until `done` (or until the loop is stopped and
// destroyed). The script owns its client, so every handler the client keeps (frame, close,
// call and close-waiter handlers) and every continuation the script keeps in its own members
// holds the script weakly: a strong one would be a cycle that outlives the run whenever the
// loop stops with it still pending (a scenario past its deadline), and the client's frame
// handler is kept for the client's whole life. Handlers queued on the loop (posted, timers)
// hold it strongly; destroying the loop drops them.
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "harness/connect_window.hpp"
#include "harness/mcp_client.hpp"
#include "harness/run_record.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"

namespace harness {

struct ScriptContext {
    const Scenario* scenario = nullptr;
    double time_scale = 1.0;
    std::size_t client = 0;
    std::string own_patient;                                    // the client's default patient
    std::size_t own_index = 0;                                  // its index in `ids`
    const std::vector<std::string>* ids = nullptr;              // every patient id, in file order
    const std::map<std::string, std::string>* names = nullptr;  // id -> name
    std::chrono::milliseconds call_timeout{600'000};
    std::atomic<std::uint64_t>* calls_done = nullptr;  // live progress, may be null
    std::atomic<std::uint64_t>* tokens_seen = nullptr;
    LiveScenario* live = nullptr;  // this scenario's progress counters, may be null
    // Shared by the run's clients: at most K of them connecting and initializing at a time.
    // Null: every client connects at once.
    std::shared_ptr<ConnectWindow> window;
};

class ClientScript : public std::enable_shared_from_this<ClientScript> {
  public:
    ClientScript(boost::asio::io_context& io, ScriptContext context);
    ~ClientScript();  // a slot of the window still held is released
    ClientScript(const ClientScript&) = delete;
    ClientScript& operator=(const ClientScript&) = delete;

    // Connects to `url` (when the window has a slot for it), runs every step, closes; then
    // `done` (on the script's strand). The slot is released once the connection is up and
    // initialized: after the first step when that is an initialize, else once connected; or
    // when connecting failed, the connection closed or the script ended or went away first.
    void start(const std::string& url, ClientOptions options, std::function<void()> done);
    // The records, in step order; read after `done`.
    std::deque<StepRecord>& records() { return records_; }

  private:
    using Next = std::function<void()>;

    void connect_now(const std::string& url, const ClientOptions& options);
    void release_slot();  // at most once per script, from any thread

    void run_list(const std::vector<Step>* steps, std::size_t i, std::string base, Next next);
    void run_step(const Step& step, const std::string& path, Next next);
    void run_parallel(const Step& step, const std::string& path, Next next);
    void initialize(StepRecord& rec, Next next);
    void call(StepRecord& rec, std::string method, nlohmann::json params, RequestOptions opts,
              bool background, Next next);
    void generate(const Step& step, StepRecord& rec, Next next);
    void cancel(const Step& step, StepRecord& rec, Next next);
    void expect_frame(StepRecord& rec, Next next);
    void expect_close(StepRecord& rec, Next next);
    void after(std::chrono::milliseconds d, Next next);
    void wait(const Step& step, Next next);
    void finish_all();
    std::string patient_of(const Step& step) const;
    void on_frame(const Frame& frame);
    void on_closed(const ClientError& error);

    boost::asio::io_context& io_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    ScriptContext ctx_;
    std::shared_ptr<McpClient> client_;
    std::function<void()> done_;
    Transport transport_ = Transport::ws;
    std::deque<StepRecord> records_;
    std::set<std::string> cancel_targets_;            // labels a cancel step names
    std::map<std::string, StepRecord*> labelled_;     // label -> its generate record
    std::map<std::string, std::size_t> tokens_seen_;  // label -> tokens so far
    std::map<std::string, std::function<void()>> token_waiters_;
    StepRecord* waiting_frame_ = nullptr;  // a raw step waiting for its error response
    Next frame_next_;
    StepRecord* waiting_close_ = nullptr;  // an oversized step waiting for the close
    Next close_next_;
    bool closed_ = false;
    ClientError close_error_;
    std::int64_t closed_wall_us_ = 0;
    // Set when the window gave us a slot, cleared by the one release: an exchange, as the
    // destructor may run on another thread than the strand.
    std::atomic<bool> holds_slot_{false};
};

}  // namespace harness
