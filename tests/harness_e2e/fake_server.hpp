#pragma once
// A deliberately faulty MCP server for the harness's end-to-end tests: a small WebSocket
// server (Boost.Beast, its own io_context thread, 127.0.0.1 port 0) that does what mcp-server
// does for initialize, ping, generate_summary and get_patient_summary -- it asks a real
// mock-ollama for a token stream, relays each token as a legacy stream_token frame or a
// notifications/progress, answers "Generated Summary for <name> (ID: <id>):\n\n<summary>",
// and saves to patient_summaries.csv -- except for ONE bug, chosen by a Flaw. The harness,
// run against it, must fail the check of CHECKLIST.md that the bug violates.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace harness_e2e {

enum class Flaw {
    none,
    reorder_tokens,      // tokens 1 and 2 leave swapped
    drop_token,          // token 2 is not sent
    duplicate_token,     // token 2 is sent twice
    batch_at_end,        // every token held back and sent just before the response
    partial_save,        // only the first half of the summary is saved
    save_differs,        // the saved text is not the streamed one
    corrupt_other_row,   // a save also changes the next patient's row
    leave_temp_file,     // the temp file of a save stays in the data folder
    late_timeout,        // a stalled upstream is given up 3 s after the configured timeout
    save_on_stall,       // the partial text of a stalled upstream is saved
    crosstalk,           // one token of a call goes to a call of another connection
    positions_in_bytes,  // legacy `position` counts bytes, not code points
    final_differs,       // the final summary is not the streamed text
    multiline_error,     // tool errors span two lines
    wrong_error_code,    // unknown tool: -32603 instead of -32602
    dies_after_error,    // the connection is closed after a tool error
};
std::string_view to_string(Flaw flaw);

struct FakeServerOptions {
    Flaw flaw = Flaw::none;
    std::string ollama_url;          // the mock: "http://127.0.0.1:PORT"
    std::filesystem::path data_dir;  // patients_data.csv and patient_summaries.csv go here
    std::size_t patients = 100;      // generated with core::generate_patients
    std::chrono::milliseconds ollama_timeout{120'000};  // upstream inactivity, already scaled
};

class FakeServer {
  public:
    // Writes both CSV files, then listens. Throws when it cannot.
    explicit FakeServer(FakeServerOptions options);
    ~FakeServer();  // stops the loop and joins its thread
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::string url() const;  // ws://127.0.0.1:PORT/mcp
    std::filesystem::path patients_csv() const;
    std::filesystem::path summaries_csv() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace harness_e2e
