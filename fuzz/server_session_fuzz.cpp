// JSON-RPC messages into one McpSession: the whole dispatch (initialize, tools/list, every
// tool with the real patient index and summary store, cancellation, the generation path
// against an Ollama URL where nothing listens), not only the parser.
//
// Input: one or more messages separated by '\n', played in order on one session, so that
// sequences (a call, then its cancellation; an id reused in flight) are reached too.
// Checked: nothing throws out, every frame the session sends is valid UTF-8 JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "common/log.hpp"
#include "core/ollama_client.hpp"
#include "core/patients.hpp"
#include "core/server_config.hpp"
#include "core/server_state.hpp"
#include "core/summary_store.hpp"
#include "mcp/mcp_session.hpp"

namespace {

namespace net = boost::asio;

struct World {
    World()
        : dir(make_dir()),
          patients(core::generate_patients(10, 42)),
          store(dir / "patient_summaries.csv", patients.all()),
          ollama(net::make_strand(io), ollama_config()),
          log("fuzz", common::LogLevel::off),
          state{config, patients, store, ollama, log, stats} {}

    static std::filesystem::path make_dir() {
        // tmpfs where there is one: the store syncs every save.
        const std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                               ? "/dev/shm"
                                               : std::filesystem::temp_directory_path();
        std::string pattern = (base / "msh-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        return pattern;
    }
    static core::OllamaConfig ollama_config() {
        core::OllamaConfig c;
        c.base_url = "http://127.0.0.1:9";  // nothing listens: generations fail at once
        return c;
    }

    std::filesystem::path dir;
    core::ServerConfig config;
    core::PatientIndex patients;
    core::SummaryStore store;
    net::io_context io;
    core::OllamaClient ollama;
    common::Logger log;
    core::ServerStats stats;
    core::ServerState state;
};

World& world() {
    static World* w = new World();  // never destroyed: libFuzzer exits without unwinding
    return *w;
}

void check_frame(const std::string& frame) {
    // Throws (and so crashes the fuzzer) on invalid JSON or invalid UTF-8.
    const auto parsed = nlohmann::json::parse(frame);
    if (!parsed.is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    auto strand = net::make_strand(w.io);
    auto session = std::make_shared<core::McpSession>(
        w.state, strand, [](std::string frame, const core::Route&) { check_frame(frame); }, "fuzz");
    session->allow_legacy_frames();  // as on WebSocket: the stream_token path is reached too
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (!input.empty()) {
        const auto nl = input.find('\n');
        session->on_message(input.substr(0, nl));
        if (nl == std::string_view::npos) break;
        input.remove_prefix(nl + 1);
        w.io.restart();
        w.io.poll();  // let generations start and fail between messages
    }
    session->close();
    w.io.restart();
    w.io.run();       // every cancelled or failed generation finishes
    w.store.flush();  // saves acknowledged on the writer thread come back ...
    w.io.restart();
    w.io.run();  // ... and are delivered
    return 0;
}
