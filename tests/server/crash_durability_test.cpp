// kill -9 of a real mcp-server in the middle of a save storm, over and over: after every
// kill the summaries file must parse whole, hold every acknowledged save, and the restarted
// server must leave no temp file behind.
//
// What a patient's row may hold after a kill. Each client owns its own patients and has at
// most one call in flight (it stops at the first call that does not come back), so a
// patient's saves form one sequence: acknowledged ones, then at most one in flight. The
// row must hold the last acknowledged value (the value found after the previous kill
// counts as acknowledged), or the in-flight one: the kill may have come after it became
// durable but before its reply was read. Anything else (an older value, a mix, a row
// missing) is a lost or corrupt save.
//
// CRASH_KILLS (default 50) sets the number of kills, CRASH_SEED the pacing seed; a larger
// CRASH_KILLS is the benchmark mode (BENCHMARKS.md, "Crash durability").
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/csv.hpp"
#include "common/rng.hpp"
#include "core/data_file_error.hpp"
#include "core/file_ops.hpp"
#include "core/summary_store.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kClients = 4;
// Patients whose saves also come from generate_summary (save: true); the rest only get
// update_patient_summary.
constexpr std::size_t kGeneratePatients = 8;

std::size_t env_number(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? static_cast<std::size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

// For messages: JSON-quoted, whatever the bytes.
std::string shown(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string read_bytes(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A patient's saves as its one client sees them.
struct Expectation {
    std::string last;                      // acknowledged, or found after the last kill
    std::optional<std::string> in_flight;  // sent, no reply yet
};

struct ClientOutcome {
    std::size_t acknowledged = 0;
    std::size_t generate_acknowledged = 0;
    std::vector<std::string> tool_errors;
};

class CrashDurability : public ServerTest {
  protected:
    const fs::path& summaries() {
        if (summaries_.empty()) summaries_ = data_dir() / "patient_summaries.csv";
        return summaries_;
    }

    std::vector<std::string> temp_files() {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(data_dir())) {
            const auto name = e.path().filename().string();
            if (name.find(".tmp") != std::string::npos) names.push_back(name);
        }
        return names;
    }

    // The file after a kill, checked with the store's own loader and with the CSV codec;
    // the problems found (empty when whole and consistent), and the rows.
    std::vector<std::string> check_file(std::vector<core::SummaryRow>& rows) {
        std::vector<std::string> problems;
        const auto bytes = read_bytes(summaries());
        try {
            rows = core::load_summaries_csv(summaries());
        } catch (const core::DataFileError& e) {
            problems.push_back(std::string("the store's loader refuses the file: ") + e.what());
            return problems;
        }
        std::vector<common::csv::Row> csv;
        try {
            csv = common::csv::parse(bytes);
        } catch (const common::csv::ParseError& e) {
            problems.push_back(std::string("the CSV codec refuses the file: ") + e.what());
            return problems;
        }
        if (rows.size() != ids_.size() || csv.size() != ids_.size() + 1) {
            problems.push_back("the file has " + std::to_string(rows.size()) + " rows, expected " +
                               std::to_string(ids_.size()));
            return problems;
        }
        for (std::size_t i = 0; i < ids_.size(); ++i) {
            const auto& r = rows[i];
            if (r.patient_id != ids_[i] || r.name != patient(ids_[i]).name ||
                csv[i + 1] != common::csv::Row{r.patient_id, r.name, r.summary}) {
                problems.push_back("row " + std::to_string(i + 1) + " is '" + r.patient_id +
                                   "', expected " + ids_[i] + " with its name");
            }
        }
        return problems;
    }

    // One client's storm: saves to its own patients until a call does not come back.
    ClientOutcome storm(McpClient& client, std::size_t c, std::size_t round, std::uint64_t seed) {
        ClientOutcome out;
        common::Rng rng(seed);
        for (std::size_t n = 0;; ++n) {
            // Patients c, c + kClients, c + 2 kClients ... belong to client c.
            const auto per_client = (ids_.size() - c + kClients - 1) / kClients;
            const auto index = c + kClients * rng.below(per_client);
            const auto& id = ids_[index];
            auto& e = expect_[index];
            const bool generate = index < kGeneratePatients && rng.below(3) == 0;
            std::string value;
            CallResult r;
            if (generate) {
                value = generated_[index];
                e.in_flight = value;
                r = client.tool("generate_summary", {{"patient_id", id}, {"save", true}}, 10s);
            } else {
                // Quotes, commas, line breaks, UTF-8 and a varying length: a torn or
                // misquoted write cannot go unnoticed.
                value = "c" + std::to_string(c) + " r" + std::to_string(round) + " n" +
                        std::to_string(n) + " " + id + ": \"q\", caf\xC3\xA9\r\nline 2," +
                        std::string(rng.below(1500), static_cast<char>('a' + rng.below(26)));
                e.in_flight = value;
                r = client.tool("update_patient_summary", {{"patient_id", id}, {"summary", value}},
                                10s);
            }
            if (!r.ok) return out;  // the server is gone: the save stays in flight
            if (r.is_tool_error()) {
                out.tool_errors.push_back(id + ": " + r.text());
                return out;  // in flight too: an error reply does not prove nothing was written
            }
            e.last = std::move(value);
            e.in_flight.reset();
            ++out.acknowledged;
            if (generate) ++out.generate_acknowledged;
        }
    }

    fs::path summaries_;
    std::vector<std::string> ids_;
    std::vector<Expectation> expect_;
    std::vector<std::string> generated_;  // what generate_summary saves, per patient
};

TEST_F(CrashDurability, KillNineDuringASaveStormLosesNoAcknowledgedSave) {
    const auto kills = env_number("CRASH_KILLS", 50);
    const auto seed = env_number("CRASH_SEED", 20261203);
    // A quick, hostile mock: generations finish in milliseconds, with text full of CSV
    // metacharacters.
    start({"--ttft", "2", "--tps", "5000", "--tokens", "24", "--profile", "hostile"});
    const auto started = Clock::now();
    for (std::size_t i = 1;; ++i) {
        const auto id = core::patient_id_for(i);
        try {
            patient(id);
        } catch (const std::invalid_argument&) {
            break;
        }
        ids_.push_back(id);
    }
    ASSERT_GE(ids_.size(), kGeneratePatients + kClients);
    expect_.assign(ids_.size(), {});

    // What generate_summary saves for each generating patient, as the file holds it: the
    // mock's text is the same for the same prompt, so every later generation saves it too.
    {
        auto c = connect();
        generated_.assign(ids_.size(), {});
        for (std::size_t i = 0; i < kGeneratePatients; ++i) {
            const auto r =
                c->tool("generate_summary", {{"patient_id", ids_[i]}, {"save", true}}, 10s);
            ASSERT_TRUE(r.ok && !r.is_tool_error()) << r.describe();
        }
        for (const auto& row : core::load_summaries_csv(summaries())) {
            for (std::size_t i = 0; i < kGeneratePatients; ++i) {
                if (row.patient_id == ids_[i]) generated_[i] = row.summary;
            }
        }
        for (std::size_t i = 0; i < kGeneratePatients; ++i) {
            ASSERT_FALSE(generated_[i].empty()) << ids_[i];
            expect_[i].last = generated_[i];
        }
    }

    common::Rng pacing(seed);
    std::size_t acknowledged = 0, generate_acknowledged = 0, in_flight_at_kill = 0;
    std::size_t in_flight_landed = 0, temp_files_after_kill = 0;
    for (std::size_t round = 0; round < kills; ++round) {
        SCOPED_TRACE("kill " + std::to_string(round + 1) + " of " + std::to_string(kills) +
                     " (CRASH_SEED=" + std::to_string(seed) + ")");
        std::vector<std::unique_ptr<McpClient>> clients;
        for (std::size_t c = 0; c < kClients; ++c) clients.push_back(connect());
        std::vector<ClientOutcome> outcomes(kClients);
        std::vector<std::thread> threads;
        for (std::size_t c = 0; c < kClients; ++c) {
            threads.emplace_back(
                [&, c, s = pacing.next()] { outcomes[c] = storm(*clients[c], c, round, s); });
        }
        // The storm runs for a random while, so the kill lands anywhere in a write.
        std::this_thread::sleep_for(std::chrono::microseconds(20000 + pacing.below(180000)));
        server().signal(SIGKILL);
        const int status = server().wait_exit(10s);
        for (auto& t : threads) t.join();
        ASSERT_EQ(status, 128 + SIGKILL);
        for (const auto& o : outcomes) {
            acknowledged += o.acknowledged;
            generate_acknowledged += o.generate_acknowledged;
            EXPECT_TRUE(o.tool_errors.empty()) << o.tool_errors.front();
        }

        std::vector<core::SummaryRow> rows;
        const auto problems = check_file(rows);
        ASSERT_TRUE(problems.empty()) << problems.front() << "\nfile:\n"
                                      << read_bytes(summaries()).substr(0, 2000);
        for (std::size_t i = 0; i < ids_.size(); ++i) {
            auto& e = expect_[i];
            const auto& got = rows[i].summary;
            if (e.in_flight) ++in_flight_at_kill;
            if (e.in_flight && got == *e.in_flight && got != e.last) ++in_flight_landed;
            ASSERT_TRUE(got == e.last || (e.in_flight && got == *e.in_flight))
                << ids_[i] << ": acknowledged save lost\n  file:         " << shown(got)
                << "\n  acknowledged: " << shown(e.last) << "\n  in flight:    "
                << (e.in_flight ? shown(*e.in_flight) : std::string("none"));
            e.last = got;
            e.in_flight.reset();
        }

        const auto leftovers = temp_files();
        temp_files_after_kill += leftovers.size();
        const auto before = read_bytes(summaries());
        start_server();
        EXPECT_EQ(temp_files(), std::vector<std::string>{}) << "left after the restart";
        EXPECT_EQ(read_bytes(summaries()), before) << "opening rewrote the file";
        if (!leftovers.empty()) {
            EXPECT_TRUE(wait_for_server_log(
                "removed " + std::to_string(leftovers.size()) + " stale temp file", 2s))
                << server().stderr_tail();
        }
    }
    const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    // The figures BENCHMARKS.md quotes; printed so that a bench run shows them.
    std::printf(
        "crash durability: %zu kills, %zu acknowledged saves (%zu by generate_summary), "
        "%zu saves in flight at a kill (%zu of them landed), temp files after a kill %zu, "
        "corrupt files 0, lost saves 0, temp files left after restart 0, %.1f s\n",
        kills, acknowledged, generate_acknowledged, in_flight_at_kill, in_flight_landed,
        temp_files_after_kill, seconds);
    // A storm that saved nothing would prove nothing.
    EXPECT_GT(acknowledged, kills);
    EXPECT_GT(generate_acknowledged, 0u);
}

}  // namespace
}  // namespace server_test
