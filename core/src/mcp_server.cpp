#include "core/mcp_server.hpp"

#include <csignal>
#include <filesystem>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "net/listener.hpp"
#include "net/session_registry.hpp"
#include "net/stdio_session.hpp"

namespace core {

namespace net = boost::asio;
namespace fs = std::filesystem;

McpServer::McpServer(ServerConfig config)
    : config_(config.scaled()),
      log_("mcp-server", config.log_level),
      io_(static_cast<int>(config.threads > 0 ? config.threads
                                              : std::max(1u, std::thread::hardware_concurrency()))),
      shutdown_timer_(io_) {
    fs::create_directories(config_.data_dir);
    const auto patients_file = config_.patients_file();
    std::vector<Patient> patients;
    if (fs::exists(patients_file)) {
        patients = load_patients_csv(patients_file);  // refuses a bad file: DataFileError
        log_.info("loaded " + std::to_string(patients.size()) + " patients from " +
                  patients_file.string());
    } else {
        patients = generate_patients(config_.generate_patients, config_.patients_seed);
        save_patients_csv(patients_file, patients);
        log_.info("no patients file: created " + patients_file.string() + " with " +
                  std::to_string(patients.size()) + " generated patients (seed " +
                  std::to_string(config_.patients_seed) + ")");
    }
    patients_ = std::make_unique<PatientIndex>(std::move(patients));
    const bool had_summaries = fs::exists(config_.summaries_file());
    SummaryStoreOptions store_options;
    store_options.log = log_;  // its start-up report follows --log-level
    store_ = std::make_unique<SummaryStore>(config_.summaries_file(), patients_->all(),
                                            std::move(store_options));
    if (!had_summaries) {
        log_.info("no summaries file: created " + config_.summaries_file().string() +
                  " with an empty summary for each patient");
    }
    ollama_ = std::make_unique<OllamaClient>(net::make_strand(io_), config_.ollama);
    state_ = std::make_unique<ServerState>(
        ServerState{config_, *patients_, *store_, *ollama_, log_, stats_});
    registry_ = std::make_unique<SessionRegistry>();
}

McpServer::~McpServer() {
    io_.stop();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    // Queued saves finish (and are acknowledged into the stopped loop) before the loop goes.
    store_->flush();
}

unsigned McpServer::thread_count() const {
    if (config_.threads > 0) return config_.threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

net::ip::tcp::endpoint McpServer::listen() {
    listener_ = std::make_shared<Listener>(io_, *state_, *registry_);
    const auto address = net::ip::make_address(config_.host);
    const auto bound = listener_->open(net::ip::tcp::endpoint(address, config_.port));
    if (!address.is_loopback()) {
        log_.warn("listening on " + config_.host +
                  ": reachable from other machines. mcp-server has no authentication and no "
                  "TLS; anyone who can connect can read patients and write summaries. Bind "
                  "127.0.0.1 (the default) unless a proxy in front of it handles both.");
    }
    listener_->accept();
    return bound;
}

void McpServer::serve_stdio(int in_fd, int out_fd) {
    // A client that closes our stdout must cost a failed write (EPIPE), handled as a lost
    // client, not the process: write(2) to a pipe nobody reads raises SIGPIPE, which kills.
    std::signal(SIGPIPE, SIG_IGN);
    stdio_ = std::make_shared<StdioSession>(net::make_strand(io_), *state_, *registry_, in_fd,
                                            out_fd, [this] { shutdown(); });
    stdio_->start();
}

bool McpServer::stdio_output_lost() const {
    return stdio_ && stdio_->output_lost();
}

void McpServer::stop_on_signals() {
    signals_.emplace(io_, SIGINT, SIGTERM);
    signals_->async_wait([this](boost::system::error_code ec, int signo) {
        if (ec) return;
        log_.info("signal " + std::to_string(signo) + ": shutting down");
        shutdown();
        // A second signal stops at once.
        signals_->async_wait([this](boost::system::error_code e, int) {
            if (!e) io_.stop();
        });
    });
}

void McpServer::run_loop() {
    // Handlers catch what they expect; anything else is a bug, but one connection's bug
    // must not end everyone's service: it is logged, counted, and the loop goes on.
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            stats_.internal_errors.fetch_add(1, std::memory_order_relaxed);
            log_.error(std::string("uncaught exception in an I/O handler: ") + e.what());
        }
    }
}

void McpServer::run() {
    const unsigned n = thread_count();
    for (unsigned i = 1; i < n; ++i) threads_.emplace_back([this] { run_loop(); });
    run_loop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    store_->flush();  // off the loop: every acknowledged save is on disk
    log_.info("shutdown complete");
}

void McpServer::start_background() {
    for (unsigned i = 0; i < thread_count(); ++i) threads_.emplace_back([this] { run_loop(); });
}

void McpServer::shutdown() {
    net::post(shutdown_timer_.get_executor(), [this] {
        if (shutting_down_) return;
        shutting_down_ = true;
        if (listener_) listener_->stop();
        shutdown_deadline_ = std::chrono::steady_clock::now() + config_.shutdown_grace;
        log_.info(std::string(listener_ ? "no longer accepting" : "shutting down") +
                  "; waiting up to " + std::to_string(config_.shutdown_grace.count()) + " ms for " +
                  std::to_string(stats_.generations_active.load()) + " generations in flight");
        shutdown_step();
    });
}

// Polls until calls in flight are done (or the grace period is over), then closes every
// connection and, once they are gone, stops the loop.
void McpServer::shutdown_step() {
    const auto now = std::chrono::steady_clock::now();
    // Generations and saves in flight may finish; their replies go out before the close.
    // The order of the loads matters: a handler raises generations_active (or saves_active)
    // before it lowers messages_in_handling, and a save is counted before its generation
    // ends, so reading them in this order cannot find all three at zero mid-handoff.
    const bool calls_done = stats_.messages_in_handling.load() == 0 &&
                            stats_.generations_active.load() == 0 &&
                            stats_.saves_active.load() == 0;
    if (calls_done || now >= shutdown_deadline_) {
        registry_->shutdown_all();
        if (registry_->size() == 0 || now >= shutdown_deadline_ + std::chrono::seconds(2)) {
            log_.info("connections closed");
            io_.stop();
            return;
        }
    }
    shutdown_timer_.expires_after(std::chrono::milliseconds(20));
    shutdown_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) shutdown_step();
    });
}

}  // namespace core
