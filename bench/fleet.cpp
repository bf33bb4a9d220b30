#include "fleet.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "error_counts.hpp"
#include "harness/connect_window.hpp"
#include "latch.hpp"

namespace bench {

using harness::CallRecord;
using harness::ClientError;
using harness::McpClient;

namespace {

using std::chrono::milliseconds;

// What the loop's threads report and the waiting thread reads, under one lock.
struct FleetState {
    explicit FleetState(std::size_t slots) : window(slots) {}

    harness::ConnectWindow window;  // the bounded bring-up the harness's clients use too
    std::mutex mutex;
    std::condition_variable changed;
    bool gave_up = false;  // past the deadline: a turn that comes now connects nobody
    std::size_t finished = 0;
    std::vector<std::shared_ptr<McpClient>> started, ready;
    std::map<std::string, std::size_t> errors;

    void finish(const std::shared_ptr<McpClient>& c, const std::string& error) {
        {
            std::lock_guard lock(mutex);
            ++finished;
            if (error.empty()) {
                ready.push_back(c);
            } else {
                ++errors[error];
            }
        }
        changed.notify_all();
        window.release();
    }
};

}  // namespace

std::string FleetResult::error_summary() const {
    return counted_errors_text(errors);
}

FleetResult connect_fleet(boost::asio::io_context& io, const FleetOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    auto state = std::make_shared<FleetState>(o.connects_in_flight);
    // A turn may come after we returned (one taken just before the deadline): its own copy.
    auto opts = std::make_shared<const FleetOptions>(o);
    // Each client is made and connected in its turn; the window keeps the others waiting.
    for (std::size_t i = 0; i < o.clients; ++i) {
        state->window.acquire([&io, state, opts] {
            auto client = McpClient::create(io);
            bool late = false;
            {
                std::lock_guard lock(state->mutex);
                late = state->gave_up;
                if (!late) state->started.push_back(client);
            }
            if (late) return state->window.release();  // not under our lock: it may run a turn
            client->connect(opts->url, opts->client, [client, state, opts](const ClientError& e) {
                if (e) return state->finish(client, e.message);
                if (!opts->initialize) return state->finish(client, {});
                client->initialize(
                    opts->protocol_version, opts->client_info, [client, state](CallRecord r) {
                        state->finish(client,
                                      r.ok() ? std::string() : "initialize: " + r.failure());
                    });
            });
        });
    }
    {
        std::unique_lock lock(state->mutex);
        state->changed.wait_until(lock, start + o.timeout,
                                  [&] { return state->finished == o.clients; });
    }
    // The turns still waiting never come (closed first, so a late turn's release starts no
    // other), and one already under way connects nobody.
    state->window.close();
    FleetResult result;
    {
        std::lock_guard lock(state->mutex);
        state->gave_up = true;
        result.clients = state->ready;
        result.errors = state->errors;
    }
    result.failed = o.clients - result.clients.size();
    std::size_t explained = 0;
    for (const auto& [what, n] : result.errors) explained += n;
    if (result.failed > explained) {
        result.errors["not ready within " + std::to_string(o.timeout.count()) + " ms"] +=
            result.failed - explained;
        // Late ones are closed, and dropped even if they become ready after all.
        std::lock_guard lock(state->mutex);
        for (auto& c : state->started) {
            bool ready = false;
            for (const auto& r : result.clients) ready |= r == c;
            if (!ready) c->close();
        }
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

std::size_t close_fleet(const std::vector<std::shared_ptr<McpClient>>& clients,
                        milliseconds timeout) {
    auto latch = std::make_shared<Latch>(clients.size());
    auto closed = std::make_shared<std::atomic<std::size_t>>(0);
    for (const auto& c : clients) {
        c->close([closed, latch](const ClientError&) {
            closed->fetch_add(1);
            latch->count_down();
        });
    }
    latch->wait_for(timeout);
    return closed->load();
}

}  // namespace bench
