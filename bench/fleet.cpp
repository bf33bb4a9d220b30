#include "fleet.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "error_counts.hpp"
#include "latch.hpp"

namespace bench {

using harness::CallRecord;
using harness::ClientError;
using harness::McpClient;

namespace {

using std::chrono::milliseconds;

struct FleetState {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t in_flight = 0;
    std::size_t finished = 0;
    std::vector<std::shared_ptr<McpClient>> ready;
    std::map<std::string, std::size_t> errors;

    void finish(const std::shared_ptr<McpClient>& c, const std::string& error) {
        {
            std::lock_guard lock(mutex);
            --in_flight;
            ++finished;
            if (error.empty()) {
                ready.push_back(c);
            } else {
                ++errors[error];
            }
        }
        changed.notify_all();
    }
};

}  // namespace

std::string FleetResult::error_summary() const {
    return counted_errors_text(errors);
}

FleetResult connect_fleet(boost::asio::io_context& io, const FleetOptions& o) {
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + o.timeout;
    auto state = std::make_shared<FleetState>();
    std::vector<std::shared_ptr<McpClient>> started;
    started.reserve(o.clients);
    const std::size_t window = std::max<std::size_t>(o.connects_in_flight, 1);

    for (std::size_t i = 0; i < o.clients; ++i) {
        {
            std::unique_lock lock(state->mutex);
            if (!state->changed.wait_until(lock, deadline,
                                           [&] { return state->in_flight < window; })) {
                break;
            }
            ++state->in_flight;
        }
        auto client = McpClient::create(io);
        started.push_back(client);
        client->connect(o.url, o.client,
                        [client, state, init = o.initialize, version = o.protocol_version,
                         info = o.client_info](const ClientError& e) {
                            if (e) return state->finish(client, e.message);
                            if (!init) return state->finish(client, {});
                            client->initialize(version, info, [client, state](CallRecord r) {
                                state->finish(
                                    client, r.ok() ? std::string() : "initialize: " + r.failure());
                            });
                        });
    }
    {
        std::unique_lock lock(state->mutex);
        state->changed.wait_until(lock, deadline,
                                  [&] { return state->finished == started.size(); });
    }
    FleetResult result;
    std::lock_guard lock(state->mutex);
    result.clients = state->ready;
    result.errors = state->errors;
    result.failed = o.clients - result.clients.size();
    std::size_t explained = 0;
    for (const auto& [what, n] : result.errors) explained += n;
    if (result.failed > explained) {
        result.errors["not ready within " + std::to_string(o.timeout.count()) + " ms"] +=
            result.failed - explained;
        // Late ones are closed, and dropped even if they become ready after all.
        for (auto& c : started) {
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
