// mcp-harness's command line: setup_cli + resolve for every subcommand — defaults, each
// option, and each malformed value or combination with the message a user sees.
#include "cli/options.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "cli/parsed_line.hpp"
#include "support/processes.hpp"

namespace harness::cli {
namespace {

namespace fs = std::filesystem;

std::string write(const fs::path& file, const std::string& text) {
    std::ofstream(file) << text;
    return file.string();
}

// The parser refuses `line` (a CLI11 error, exit code from app.exit as before).
bool parser_refuses(const std::string& line) {
    try {
        parsed(line);
    } catch (const CLI::ParseError&) {
        return true;
    }
    return false;
}

// The run's options as given, one per line, to compare with the expected ones in one go.
std::string shown(const RunArgs& a) {
    std::string paths;
    for (const auto& p : a.paths) paths += p + ' ';
    std::ostringstream s;
    s << "paths " << paths << "\nout " << a.out << "\nformats " << a.formats << "\ntime_scale "
      << a.time_scale << "\nfilter " << a.filter << "\njobs " << a.jobs << "\nconnects_in_flight "
      << a.connects_in_flight << "\nseed " << a.seed << "\nserver_url " << a.server_url
      << "\nollama_url " << a.ollama_url << "\nsummaries_csv " << a.summaries_csv
      << "\npatients_csv " << a.patients_csv << "\nbaseline " << a.baseline << "\ntransport "
      << a.transport << "\nprotocol_version " << a.protocol_version << "\nserver_cmd "
      << a.server_cmd << "\nheaders " << a.headers.size() << "\nverbose " << a.verbose << "\nkeep "
      << a.keep;
    return s.str();
}

const std::set<std::string> kAllFormats = {"md", "junit", "json", "html"};

TEST(CliRun, Defaults) {
    const auto r = parsed("run");
    ASSERT_EQ(r.command, Command::run);
    EXPECT_EQ(
        shown(r.run.given),
        "paths \nout harness-report\nformats md,junit,json,html\ntime_scale 1\nfilter \njobs 1"
        "\nconnects_in_flight 64\nseed 7\nserver_url \nollama_url \nsummaries_csv \npatients_csv "
        "\nbaseline "
        "\ntransport \nprotocol_version \nserver_cmd \nheaders 0\nverbose 0\nkeep 0");
    EXPECT_EQ(r.run.transport, "");
    EXPECT_TRUE(r.run.headers.empty());
    EXPECT_EQ(r.run.paths, std::vector<fs::path>{"scenarios/checklist"});
    EXPECT_EQ(r.run.formats, kAllFormats);
    EXPECT_FALSE(r.run.baseline.has_value());
    EXPECT_EQ(r.step_summary, "");
}

TEST(CliRun, EachOption) {
    const test_support::TempDir dir("harness-cli");
    const auto patients = write(dir.path() / "patients.csv", "patient_id,name\n");
    const auto baseline = write(dir.path() / "baseline.json", R"({"expected_failures": [
        {"scenario": "*", "check": "timeout.upstream_stall"}]})");
    const auto r = parsed(
        "run a.json dir --out o --format md,json --time-scale 0.5 --filter x "
        "--jobs 3 --connects-in-flight 8 --seed 9 --server-url ws://h:1 --ollama-url http://m:2 "
        "--summaries-csv s.csv --patients-csv " +
        patients + " --baseline " + baseline +
        " --transport ws --protocol-version 2026-07-28 --header 'Authorization: Bearer t' "
        "--header X-A:1 --verbose --keep");
    EXPECT_EQ(shown(r.run.given),
              "paths a.json dir \nout o\nformats md,json\ntime_scale 0.5"
              "\nfilter x\njobs 3\nconnects_in_flight 8\nseed 9\nserver_url ws://h:1"
              "\nollama_url http://m:2\nsummaries_csv s.csv\npatients_csv " +
                  patients + "\nbaseline " + baseline +
                  "\ntransport ws\nprotocol_version 2026-07-28\nserver_cmd \nheaders 2"
                  "\nverbose 1\nkeep 1");
    EXPECT_EQ(r.run.transport, "ws");
    EXPECT_EQ(r.run.headers, (std::vector<std::pair<std::string, std::string>>{
                                 {"Authorization", "Bearer t"}, {"X-A", "1"}}));
    EXPECT_EQ(r.run.paths, (std::vector<fs::path>{"a.json", "dir"}));
    EXPECT_EQ(r.run.formats, (std::set<std::string>{"md", "json"}));
    ASSERT_TRUE(r.run.baseline.has_value());
    EXPECT_TRUE(r.run.baseline->contains("any", "timeout.upstream_stall"));
}

TEST(CliRun, StepSummaryComesFromTheEnvironment) {
    EXPECT_EQ(parsed("run", "/tmp/summary.md").step_summary, "/tmp/summary.md");
    EXPECT_EQ(parsed("report", "/tmp/summary.md").step_summary, "/tmp/summary.md");
}

TEST(CliRun, RejectsAnUnknownFormat) {
    EXPECT_EQ(rejected("run --format md,pdf"),
              "--format: unknown format 'pdf'; use md, junit, json, html");
    EXPECT_EQ(rejected("run --format md,,json"),
              "--format: unknown format ''; use md, junit, json, html");
    EXPECT_EQ(rejected("run --format MD"),
              "--format: unknown format 'MD'; use md, junit, json, html");
}

TEST(CliRun, RejectsAServerUrlWithoutItsMock) {
    EXPECT_EQ(rejected("run --server-url ws://h:1"),
              "--server-url needs --ollama-url: the mock-ollama that server uses (its admin API "
              "decides the stream checks)");
    EXPECT_EQ(rejected("run --ollama-url http://m:2"), "");  // a mock alone is harmless
}

TEST(CliTransport, TheServerImpliesTheTransport) {
    EXPECT_EQ(parsed("run --transport http").run.transport, "http");
    EXPECT_EQ(parsed("run --transport stdio").run.transport, "stdio");
    const std::string mock = " --ollama-url http://m:2";
    EXPECT_EQ(parsed("run --server-url http://h:1/mcp" + mock).run.transport, "http");
    EXPECT_EQ(parsed("run --server-url ws://h:1/mcp" + mock).run.transport, "ws");
    EXPECT_EQ(parsed("run --server-url http://h:1/mcp --transport http" + mock).run.transport,
              "http");
    const auto stdio = parsed("run --server-cmd 'my-server --stdio -v'" + mock).run;
    EXPECT_EQ(stdio.transport, "stdio");
    EXPECT_EQ(stdio.given.server_cmd, "my-server --stdio -v");
    EXPECT_EQ(parsed("run --server-cmd x --transport stdio" + mock).run.transport, "stdio");
}

TEST(CliTransport, RejectsContradictions) {
    const std::string mock = " --ollama-url http://m:2";
    EXPECT_EQ(rejected("run --transport sse"),
              "--transport: unknown transport 'sse'; valid: ws, http, stdio");
    EXPECT_EQ(rejected("run --transport http --server-url ws://h:1/mcp" + mock),
              "--transport http does not match --server-url ws://h:1/mcp, a ws URL");
    EXPECT_EQ(rejected("run --transport ws --server-url http://h:1/mcp" + mock),
              "--transport ws does not match --server-url http://h:1/mcp, a http URL");
    EXPECT_EQ(rejected("run --transport stdio --server-url ws://h:1/mcp" + mock),
              "--transport stdio starts the server itself: name it with --server-cmd, not "
              "--server-url");
    EXPECT_EQ(rejected("run --server-url https://h/mcp" + mock),
              "--server-url: 'https://h/mcp' is neither ws://HOST:PORT/PATH (WebSocket) nor "
              "http://HOST:PORT/PATH (Streamable HTTP)");
    EXPECT_EQ(rejected("run --server-cmd x --transport http" + mock),
              "--server-cmd starts a stdio server for each client: it goes with --transport "
              "stdio, not http");
    EXPECT_EQ(rejected("run --server-cmd x --server-url ws://h:1" + mock),
              "--server-url and --server-cmd both name the server under test: give one");
    EXPECT_EQ(rejected("run --server-cmd x"),
              "--server-cmd needs --ollama-url: the mock-ollama that server uses (its admin API "
              "decides the stream checks)");
}

TEST(CliTransport, RejectsAnUnknownProtocolVersion) {
    EXPECT_EQ(rejected("run --protocol-version 2025-11-25"), "");
    EXPECT_EQ(rejected("run --protocol-version 2026-07-28"), "");
    EXPECT_EQ(rejected("run --protocol-version 2025-01-01"),
              "--protocol-version: unknown revision '2025-01-01'; valid: 2026-07-28, 2025-11-25, "
              "2025-06-18, 2025-03-26, 2024-11-05");
}

TEST(CliTransport, RejectsMalformedHeaders) {
    EXPECT_EQ(rejected("run --header Authorization"),
              "--header 'Authorization': expected NAME:VALUE (e.g. 'Authorization: Bearer "
              "TOKEN')");
    EXPECT_EQ(rejected("run --header ':x'"), "--header ':x': the header name is empty");
    EXPECT_EQ(rejected("run --header 'Bad Name: x'"),
              "--header 'Bad Name: x': the header name 'Bad Name' may hold only letters, digits "
              "and !#$%&'*+-.^_`|~");
    EXPECT_EQ(rejected("run --transport stdio --header A:b"),
              "--header: a stdio server gets no HTTP headers; headers go with --transport ws or "
              "http");
    // An empty value is a header still (some servers want one present).
    EXPECT_EQ(parsed("run --header X-Empty:").run.headers,
              (std::vector<std::pair<std::string, std::string>>{{"X-Empty", ""}}));
}

TEST(CliRun, RejectsAPatientsFileThatIsNotThere) {
    const test_support::TempDir temp("harness-cli");
    const auto& dir = temp.path();
    const auto missing = (dir / "missing.csv").string();
    EXPECT_EQ(rejected("run --patients-csv " + missing),
              "--patients-csv: " + missing + " is not a file");
    EXPECT_EQ(rejected("run --patients-csv " + dir.string()),
              "--patients-csv: " + dir.string() + " is not a file");
    // The summaries file may not exist yet: the server creates it.
    EXPECT_EQ(rejected("run --summaries-csv " + missing), "");
}

TEST(CliRun, RejectsABadBaseline) {
    const test_support::TempDir temp("harness-cli");
    const auto& dir = temp.path();
    const auto bad = write(dir / "bad.json", R"({"expected_failures": [{"check": 3}]})");
    EXPECT_NE(rejected("run --baseline " + bad).find("bad.json"), std::string::npos);
    const auto not_json = write(dir / "not.json", "{");
    EXPECT_THROW(parsed("run --baseline " + not_json), std::exception);
    EXPECT_THROW(parsed("run --baseline " + (dir / "none.json").string()), std::exception);
}

TEST(CliRun, TheParserChecksTheNumbersRanges) {
    EXPECT_TRUE(parser_refuses("run --time-scale 0"));
    EXPECT_TRUE(parser_refuses("run --time-scale 101"));
    EXPECT_TRUE(parser_refuses("run --time-scale fast"));
    EXPECT_FALSE(parser_refuses("run --time-scale 0.0001"));
    EXPECT_TRUE(parser_refuses("run --jobs 0"));
    EXPECT_TRUE(parser_refuses("run --jobs 65"));
    EXPECT_FALSE(parser_refuses("run --jobs 64"));
    EXPECT_TRUE(parser_refuses("run --connects-in-flight 0"));  // nobody would ever connect
    EXPECT_TRUE(parser_refuses("run --connects-in-flight -1"));
    EXPECT_TRUE(parser_refuses("run --connects-in-flight many"));
    EXPECT_FALSE(parser_refuses("run --connects-in-flight 1"));
    EXPECT_FALSE(parser_refuses("run --connects-in-flight 1000000"));
    EXPECT_TRUE(parser_refuses("run --connects-in-flight 1000001"));
    EXPECT_TRUE(parser_refuses("run --seed seven"));
    EXPECT_TRUE(parser_refuses("run --no-such-option"));
}

TEST(CliCommands, ASubcommandIsRequired) {
    EXPECT_TRUE(parser_refuses(""));
    EXPECT_TRUE(parser_refuses("frobnicate"));
}

// list and validate take the same scenario paths.
TEST(CliListAndValidate, DefaultsAndPaths) {
    for (const auto& [name, command] :
         {std::pair{std::string("list"), Command::list}, {"validate", Command::validate}}) {
        auto r = parsed(name);
        EXPECT_EQ(r.command, command) << name;
        EXPECT_EQ(r.paths, std::vector<fs::path>{"scenarios/checklist"}) << name;
        r = parsed(name + " a b.json");
        EXPECT_EQ(r.paths, (std::vector<fs::path>{"a", "b.json"})) << name;
        EXPECT_TRUE(parser_refuses(name + " --out x")) << name;
    }
}

TEST(CliReport, Defaults) {
    const auto r = parsed("report");
    ASSERT_EQ(r.command, Command::report);
    EXPECT_EQ(r.report.from, "harness-report/report.json");
    EXPECT_EQ(r.report.out, "harness-report");
    EXPECT_EQ(r.report.formats, kAllFormats);
}

TEST(CliReport, EachOption) {
    const auto r = parsed("report --from saved/report.json --out again --format junit");
    EXPECT_EQ(r.report.from, "saved/report.json");
    EXPECT_EQ(r.report.out, "again");
    EXPECT_EQ(r.report.formats, std::set<std::string>{"junit"});
}

TEST(CliReport, RejectsAnUnknownFormat) {
    EXPECT_EQ(rejected("report --format pdf"),
              "--format: unknown format 'pdf'; use md, junit, json, html");
}

TEST(CliFormats, SplitsOnCommasAndKeepsEachOnce) {
    EXPECT_EQ(split_formats("json,md,json"), (std::set<std::string>{"md", "json"}));
    EXPECT_EQ(split_formats(""), std::set<std::string>{});         // as before: no file written
    EXPECT_EQ(split_formats("md,"), std::set<std::string>{"md"});  // getline: no empty last item
    EXPECT_THROW(split_formats(" md"), std::invalid_argument);
}

}  // namespace
}  // namespace harness::cli
