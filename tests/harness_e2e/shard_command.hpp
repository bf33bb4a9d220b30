#pragma once
// The command line of one mcp-harness shard against a server and mock the test started, as
// docs/scale-out.md spells it: --shard I/N, a --start-at announced in DIR/start, and the
// server's data files in DIR/data (so the shard reads only its own patients' log). The
// shard-run and merge end-to-end tests share it; each appends its own options.
#include <filesystem>
#include <string>
#include <vector>

namespace test_support {

struct ShardCommand {
    std::string scenario;
    std::size_t index = 1, count = 1;
    std::string start_at;       // "+4" or an RFC 3339 time
    std::filesystem::path dir;  // holds start/ and the server's data/
    std::string server_url, mock_url;
    std::filesystem::path out;

    std::vector<std::string> argv(const std::string& harness_bin) const {
        const auto data = dir / "data";
        return {harness_bin,
                "run",
                scenario,
                "--shard",
                std::to_string(index) + "/" + std::to_string(count),
                "--start-at",
                start_at,
                "--start-dir",
                (dir / "start").string(),
                "--server-url",
                server_url,
                "--ollama-url",
                mock_url,
                "--patients-csv",
                (data / "patients_data.csv").string(),
                "--summaries-csv",
                (data / "patient_summaries.csv").string(),
                "--out",
                out.string(),
                "--verbose"};
    }
};

}  // namespace test_support
