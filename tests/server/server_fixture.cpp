#include "server_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/csv.hpp"
#include "common/utf8.hpp"
#include "core/tools.hpp"

namespace server_test {

namespace fs = std::filesystem;

void ServerTest::start(std::vector<std::string> mock_args, std::vector<std::string> server_args) {
    start_mock(std::move(mock_args));
    start_server(std::move(server_args));
}

std::string server_binary() {
    // MSH_MCP_SERVER_BIN runs these tests against another build (an older one, to see a
    // regression test fail before its fix; a sanitizer build).
    const char* other = std::getenv("MSH_MCP_SERVER_BIN");
    return other != nullptr && *other != '\0' ? other : MCP_SERVER_BIN;
}

void ServerTest::start_mock(std::vector<std::string> args) {
    mock_ = std::make_unique<test_support::MockProcess>(MOCK_OLLAMA_BIN, std::move(args));
}

void ServerTest::start_server(std::vector<std::string> args) {
    if (std::find(args.begin(), args.end(), "--ollama-url") == args.end()) {
        if (!mock_) throw std::logic_error("start_server: no mock and no --ollama-url");
        args.insert(args.end(), {"--ollama-url", mock_->base_url()});
    }
    server_args_ = args;
    server_ = std::make_unique<test_support::ServerProcess>(server_binary(), data_.path(),
                                                            std::move(args));
    if (patients_.empty()) patients_ = core::load_patients_csv(data_.path() / "patients_data.csv");
}

void ServerTest::restart_server(std::vector<std::string> args) {
    const int status = server_->stop(10s);
    ASSERT_EQ(status, 0) << "mcp-server did not exit cleanly on SIGTERM; stderr:\n"
                         << server_->stderr_tail();
    server_.reset();
    start_server(std::move(args));
}

std::unique_ptr<McpClient> ServerTest::connect(test_support::ConnectOptions options) {
    auto c = std::make_unique<McpClient>(server_->ws_url(), std::move(options));
    const auto r = c->initialize();
    if (!r.ok || !r.has_result()) throw std::runtime_error("initialize failed: " + r.describe());
    return c;
}

const core::Patient& ServerTest::patient(const std::string& id) {
    for (const auto& p : patients_) {
        if (p.patient_id == id) return p;
    }
    throw std::invalid_argument("no patient " + id + " in the data folder");
}

void ServerTest::fault_once(const std::string& id, const std::string& fault) {
    mock_->set_rules(json::array({{{"match", name_match(id)}, {"fault", fault}, {"count", 1}}}));
}

std::vector<std::vector<std::string>> ServerTest::summaries_csv() {
    std::ifstream in(data_.path() / "patient_summaries.csv", std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    try {
        return common::csv::parse(text);
    } catch (const common::csv::ParseError& e) {
        ADD_FAILURE() << "patient_summaries.csv does not parse: " << e.what();
        return {};
    }
}

std::optional<std::string> ServerTest::saved_summary(const std::string& id) {
    for (const auto& row : summaries_csv()) {
        if (!row.empty() && row[0] == id) {
            return row.size() == 3
                       ? row[2]
                       : std::string("<row of ") + std::to_string(row.size()) + " fields>";
        }
    }
    return std::nullopt;
}

std::string ServerTest::expected_generated_text(const std::string& id, const json& record) {
    return core::generated_summary_text(patient(id), core::trim_summary(record.value("text", "")));
}

json ServerTest::settled_record(const std::string& id, std::chrono::milliseconds timeout,
                                bool with_tokens) {
    const auto r = mock_->wait_settled(prompt_for(id), timeout, with_tokens);
    if (!r) {
        ADD_FAILURE() << "the mock logged no generation for " << id;
        return json::object();
    }
    return *r;
}

bool ServerTest::wait_for_server_log(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (server_->stderr_text().find(needle) != std::string::npos) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(10ms);  // a polling pause, not a synchronisation
    }
}

std::vector<std::string> mock_tokens(const json& record) {
    std::vector<std::string> out;
    for (const auto& t : record.value("tokens", json::array())) out.push_back(t.value("text", ""));
    return out;
}

std::vector<Frame> token_frames(const std::vector<Frame>& frames, StreamForm form,
                                const json& key) {
    std::vector<Frame> out;
    for (const auto& f : frames) {
        if (form == StreamForm::legacy && f.is_token() && f.json.contains("id") &&
            f.json["id"] == key) {
            out.push_back(f);
        }
        if (form == StreamForm::progress && f.is_progress() &&
            f.json["params"].value("progressToken", json()) == key) {
            out.push_back(f);
        }
    }
    return out;
}

std::vector<std::string> token_texts(const std::vector<Frame>& frames, StreamForm form) {
    std::vector<std::string> out;
    for (const auto& f : frames) {
        out.push_back(form == StreamForm::legacy ? f.json.value("token", "")
                                                 : f.json["params"].value("message", ""));
    }
    return out;
}

::testing::AssertionResult stream_matches(const std::vector<Frame>& frames, StreamForm form,
                                          const json& key, const json& record) {
    const auto expected = mock_tokens(record);
    const auto got = token_texts(frames, form);
    if (got.size() != expected.size()) {
        return ::testing::AssertionFailure()
               << "call " << key.dump() << ": " << got.size() << " token frames, the mock emitted "
               << expected.size() << " (mock request " << record.value("id", 0) << ", outcome "
               << record.value("outcome", "") << ")"
               << (frames.empty() ? "" : "; last frame: " + frames.back().text);
    }
    std::size_t code_points = 0;
    std::int64_t last_position = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (got[i] != expected[i]) {
            return ::testing::AssertionFailure()
                   << "call " << key.dump() << ", token " << i << ": expected "
                   << json(expected[i]).dump() << ", got " << json(got[i]).dump() << " (frame "
                   << frames[i].text << ")";
        }
        const json& j = frames[i].json;
        if (form == StreamForm::legacy) {
            code_points += common::utf8::code_points(got[i]);
            const auto position = j.value("position", std::int64_t{-1});
            if (position != static_cast<std::int64_t>(code_points) || position <= last_position) {
                return ::testing::AssertionFailure()
                       << "call " << key.dump() << ", token " << i << ": position " << position
                       << ", expected " << code_points << " (previous " << last_position
                       << "); frame " << frames[i].text;
            }
            last_position = position;
            if (!j.contains("id") || j["id"] != key) {
                return ::testing::AssertionFailure() << "call " << key.dump() << ", token " << i
                                                     << ": wrong id in frame " << frames[i].text;
            }
        } else {
            const json& p = j["params"];
            if (p.value("progressToken", json()) != key ||
                p.value("progress", std::int64_t{-1}) != static_cast<std::int64_t>(i + 1)) {
                return ::testing::AssertionFailure()
                       << "call " << key.dump() << ", token " << i << ": expected progressToken "
                       << key.dump() << " and progress " << i + 1 << "; frame " << frames[i].text;
            }
        }
    }
    return ::testing::AssertionSuccess();
}

std::string concat(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += p;
    return out;
}

double quantile(std::vector<double> values, double q) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto i = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(i, values.size() - 1)];
}

}  // namespace server_test
