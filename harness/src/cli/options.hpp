#pragma once
// The mcp-harness command line in the mock's shape: the options as parsed (one struct per
// subcommand), setup_cli binding them to a CLI11 app, and resolve() turning them into a
// checked configuration before anything runs: a mistake in an option must not cost a run.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <CLI/App.hpp>

#include "cli/chat_options.hpp"
#include "cli/gate_options.hpp"
#include "cli/merge_options.hpp"
#include "harness/shard.hpp"
#include "reports/baseline.hpp"
#include "shard/start_at.hpp"

namespace harness::cli {

// Exit code of a harness error (bad option, scenario file, process, I/O); 0 and 1 are the
// report's verdict (reports::exit_code).
inline constexpr int kHarnessError = 2;

// The report formats --format accepts, all written by default: checklist.md, junit.xml,
// report.json (with samples.jsonl) and report.html.
inline constexpr const char* kDefaultFormats = "md,junit,json,html";

struct RunArgs {
    std::vector<std::string> paths;
    std::string out = "harness-report";
    std::string formats = kDefaultFormats;
    double time_scale = 1.0;
    std::string filter;
    unsigned jobs = 1;
    std::size_t connects_in_flight = 64;  // clients connecting at a time (RunOptions)
    std::uint64_t seed = 7;
    std::string server_url, ollama_url, summaries_csv, patients_csv, baseline;
    // How the clients connect (docs/mcp-harness.md, "Transports"); "" leaves each to the
    // scenario, else to the harness's default.
    std::string transport, protocol_version;
    std::string server_cmd;            // an external stdio server: one per client
    std::vector<std::string> headers;  // "NAME:VALUE", each --header
    std::string compare_to;            // an earlier run to compare this one with ("" none)
    GateArgs gate;
    bool verbose = false, keep = false;
    bool quiet = false;  // no progress, no summary: the final verdict line only
    // Scale-out (docs/scale-out.md): "I/N" or "auto" ("" unsharded), N for auto (0: not
    // given), and when the clients begin (an RFC 3339 time, or +SECONDS with a shared folder).
    std::string shard;
    std::uint64_t shard_count = 0;
    std::string start_at, start_dir;
};

// list and validate: which scenario files.
struct ScenarioArgs {
    std::vector<std::string> paths;
};

struct ReportArgs {
    std::string from = "harness-report/report.json";
    std::string out = "harness-report";
    std::string formats = kDefaultFormats;
};

struct CliOptions {
    RunArgs run;
    ScenarioArgs list, validate;
    ReportArgs report;
    CompareArgs compare;
    ChatArgs chat;
    MergeArgs merge;
};

enum class Command { run, list, validate, report, compare, chat, merge };

// A run, checked: formats known, the baseline read, an external server named with its mock,
// its patients file present. The numbers' ranges are checked by the parser (setup_cli).
struct RunConfig {
    RunArgs given;                             // the options as given (their one set of defaults)
    std::vector<std::filesystem::path> paths;  // the scenario files or folders, or the default
    std::set<std::string> formats;             // given.formats, split
    std::optional<reports::Baseline> baseline;
    // --transport, or the one --server-url's scheme or --server-cmd implies; "" when none says.
    std::string transport;
    std::vector<std::pair<std::string, std::string>> headers;  // given.headers, parsed
    std::optional<GateConfig> gate;   // --compare-to: the earlier run read, the thresholds
    std::optional<Shard> shard;       // --shard, resolved (auto: from the environment)
    std::optional<StartAt> start_at;  // --start-at with --start-dir, checked
};

struct ReportConfig {
    std::string from;
    std::string out;
    std::set<std::string> formats;
};

struct Resolved {
    Command command = Command::run;
    RunConfig run;                             // Command::run
    std::vector<std::filesystem::path> paths;  // Command::list, Command::validate
    ReportConfig report;                       // Command::report
    CompareConfig compare;                     // Command::compare
    ChatConfig chat;                           // Command::chat
    MergeConfig merge;                         // Command::merge
    std::string step_summary;                  // $GITHUB_STEP_SUMMARY: where CI shows the checklist
};

// Binds the subcommands and their options to `app` (help texts, defaults, ranges).
void setup_cli(CLI::App& app, CliOptions& options);

// The parsed command, checked; throws std::invalid_argument with a message naming the option.
// `step_summary_env` is $GITHUB_STEP_SUMMARY (may be null).
Resolved resolve(const CLI::App& app, const CliOptions& options, const char* step_summary_env);

// The options that say which server to talk to and how (run's and chat's).
struct ServerChoice {
    const std::string& transport;
    const std::string& server_url;
    const std::string& server_cmd;
};
// The transport the command line chooses: --transport, or the one its server implies; ""
// when it leaves the choice to the scenarios (or the default). Throws std::invalid_argument on
// options that contradict each other.
std::string chosen_transport(const ServerChoice& choice);

// "md,junit" → {md, junit}; throws std::invalid_argument on an unknown format.
std::set<std::string> split_formats(const std::string& formats);

}  // namespace harness::cli
