// The admin API (/_mock/*) against a real mock process: file paths only under --scripts-dir,
// JSON content type only, no foreign Origin (CSRF from a web page), an optional bearer token,
// linear-time script patterns and capped sizes.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mock_fixture.hpp"
#include "raw_exchange.hpp"

namespace mock_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A fresh directory for one test, removed at the end.
class TempDir {
  public:
    TempDir() {
        std::string templ = (fs::temp_directory_path() / "mock-scripts-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path write(const std::string& name, std::string_view text) const {
        const auto p = path_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

  private:
    fs::path path_;
};

std::vector<std::string> with_dir(const TempDir& dir) {
    auto args = kFastArgs;
    args.insert(args.end(), {"--scripts-dir", dir.path().string()});
    return args;
}

RawReply post_config(const MockProcess& mock, const json& doc,
                     std::vector<std::string> headers = {}) {
    return raw_post_json(mock.port(), "/_mock/config", doc.dump(), std::move(headers));
}

constexpr std::string_view kScript = R"({"scripts":[{"match":"^Say hi","tokens":["Hi","!"]}]})";

TEST(MockAdminSecurity, AScriptsPathIsRefusedWithoutScriptsDir) {
    MockProcess mock;
    const auto r = post_config(mock, {{"scripts", "/etc/passwd"}});
    EXPECT_EQ(r.status, 400) << r.bytes;
    EXPECT_THAT(r.error(), StartsWith("scripts: "));
    EXPECT_THAT(r.error(), HasSubstr("--scripts-dir")) << "says how to enable it";
    EXPECT_THAT(r.error(), Not(HasSubstr("root"))) << "echoes the file";
    EXPECT_THAT(r.error(), Not(HasSubstr("last read")));
    EXPECT_EQ(mock.client().get("/_mock/config").json()["scripts"], 0);
    expect_serves_a_normal_request(mock);
}

TEST(MockAdminSecurity, ScriptsDirServesFilesInsideIt) {
    TempDir dir;
    dir.write("hi.json", kScript);
    MockProcess mock(with_dir(dir));
    for (const auto& path : {std::string("hi.json"), (dir.path() / "hi.json").string()}) {
        const auto r = post_config(mock, {{"scripts", path}});
        ASSERT_EQ(r.status, 200) << path << ": " << r.bytes;
        EXPECT_EQ(r.json()["scripts"], 1);
    }
    const auto g =
        mock.client().post("/api/generate", generate_body("Say hi", {{"stream", false}}));
    ASSERT_EQ(g.status, 200) << g.describe();
    EXPECT_EQ(g.json()["response"], "Hi!");
}

TEST(MockAdminSecurity, ScriptsDirRefusesPathsThatLeaveIt) {
    TempDir dir;
    TempDir outside;
    outside.write("x.json", kScript);
    fs::create_directory(dir.path() / "sub");
    fs::create_symlink(outside.path() / "x.json", dir.path() / "link.json");
    fs::create_directory_symlink(outside.path(), dir.path() / "sub" / "out");
    MockProcess mock(with_dir(dir));
    for (const auto& path :
         {std::string("/etc/passwd"),
          std::string("../") + outside.path().filename().string() + "/x.json",
          (outside.path() / "x.json").string(), std::string("link.json"),
          std::string("sub/out/x.json"), std::string("sub/../../x.json"), std::string(".")}) {
        const auto r = post_config(mock, {{"scripts", path}});
        EXPECT_EQ(r.status, 400) << path << ": " << r.bytes;
        EXPECT_THAT(r.error(), HasSubstr("outside the scripts directory")) << path;
    }
    EXPECT_EQ(mock.client().get("/_mock/config").json()["scripts"], 0);
}

TEST(MockAdminSecurity, ScriptsDirRefusesDevicesAndFifosAtOnce) {
    TempDir dir;
    ASSERT_EQ(::mkfifo((dir.path() / "fifo.json").c_str(), 0600), 0);
    fs::create_symlink("/dev/zero", dir.path() / "zero.json");
    MockProcess mock(with_dir(dir));
    const auto fifo = post_config(mock, {{"scripts", "fifo.json"}});
    EXPECT_EQ(fifo.status, 400) << fifo.bytes;
    EXPECT_THAT(fifo.error(), HasSubstr("not a regular file"));
    const auto zero = post_config(mock, {{"scripts", "zero.json"}});
    EXPECT_EQ(zero.status, 400) << zero.bytes;
    EXPECT_THAT(zero.error(), HasSubstr("outside the scripts directory"));
    expect_serves_a_normal_request(mock);
}

TEST(MockAdminSecurity, ScriptsFilesOver4MiBAreRefusedWithoutEchoingThem) {
    TempDir dir;
    dir.write("big.json", std::string(4 * 1024 * 1024 + 1, ' '));
    dir.write("secret.json", "SECRET-CONTENT");
    MockProcess mock(with_dir(dir));
    const auto big = post_config(mock, {{"scripts", "big.json"}});
    EXPECT_EQ(big.status, 400) << big.head;
    EXPECT_THAT(big.error(), HasSubstr("larger than 4194304 bytes"));
    const auto secret = post_config(mock, {{"scripts", "secret.json"}});
    EXPECT_EQ(secret.status, 400) << secret.bytes;
    EXPECT_THAT(secret.error(), HasSubstr("invalid JSON"));
    EXPECT_THAT(secret.bytes, Not(HasSubstr("SECRET"))) << "the file's content was echoed";
}

TEST(MockAdminSecurity, NonJsonContentTypesAre415) {
    MockProcess mock;
    const std::string body = R"({"tokens":3})";
    for (const auto* type :
         {"Content-Type: text/plain", "Content-Type: text/plain;charset=UTF-8",
          "Content-Type: application/x-www-form-urlencoded",
          "Content-Type: multipart/form-data; boundary=x", "Content-Type: application/jsonx"}) {
        const auto r = raw_exchange(mock.port(), "POST", "/_mock/config", body, {type});
        EXPECT_EQ(r.status, 415) << type << ": " << r.bytes;
        EXPECT_THAT(r.error(), HasSubstr("application/json")) << type;
    }
    const auto none = raw_exchange(mock.port(), "POST", "/_mock/config", body);
    EXPECT_EQ(none.status, 415) << none.bytes;
    EXPECT_EQ(mock.client().get("/_mock/config").json()["tokens"], 6) << "config changed";

    for (const auto* type :
         {"Content-Type: application/json", "Content-Type: Application/JSON; charset=utf-8"}) {
        const auto r = raw_exchange(mock.port(), "POST", "/_mock/config", body, {type});
        EXPECT_EQ(r.status, 200) << type << ": " << r.bytes;
    }
    // A body-less POST needs no content type (POST /_mock/reset from curl -X POST).
    EXPECT_EQ(raw_exchange(mock.port(), "POST", "/_mock/reset").status, 200);
}

TEST(MockAdminSecurity, ForeignOriginsAre403AndLocalOnesAllowed) {
    MockProcess mock;
    for (const auto* origin : {"http://evil.example", "null", "https://localhost.evil.example",
                               "http://127.0.0.1.nip.io", "http://localhost@evil.example",
                               "file://", "http://[::2]:8080"}) {
        const auto r = post_config(mock, {{"tokens", 3}}, {std::string("Origin: ") + origin});
        EXPECT_EQ(r.status, 403) << origin << ": " << r.bytes;
        EXPECT_THAT(r.error(), HasSubstr("Origin")) << origin;
        const auto get = raw_exchange(mock.port(), "GET", "/_mock/requests", {},
                                      {std::string("Origin: ") + origin});
        EXPECT_EQ(get.status, 403) << origin;
    }
    EXPECT_EQ(mock.client().get("/_mock/config").json()["tokens"], 6) << "config changed";
    for (const auto* origin : {"http://localhost:5173", "http://127.0.0.1", "https://[::1]:8443",
                               "http://LOCALHOST:3000"}) {
        const auto r = post_config(mock, {{"tokens", 3}}, {std::string("Origin: ") + origin});
        EXPECT_EQ(r.status, 200) << origin << ": " << r.bytes;
    }
    // Ollama's own endpoints are not the admin API: unaffected.
    const auto version =
        raw_exchange(mock.port(), "GET", "/api/version", {}, {"Origin: http://evil.example"});
    EXPECT_EQ(version.status, 200);
}

TEST(MockAdminSecurity, AdminTokenIsRequiredWhenSet) {
    auto args = kFastArgs;
    args.insert(args.end(), {"--admin-token", "s3cret-token"});
    MockProcess mock(args);
    for (const auto& auth :
         std::vector<std::vector<std::string>>{{},
                                               {"Authorization: Bearer wrong"},
                                               {"Authorization: Bearer s3cret-toke"},
                                               {"Authorization: Bearer s3cret-token2"},
                                               {"Authorization: Basic czNjcmV0LXRva2Vu"},
                                               {"Authorization: s3cret-token"}}) {
        const auto r = raw_exchange(mock.port(), "GET", "/_mock/stats", {}, auth);
        EXPECT_EQ(r.status, 401) << (auth.empty() ? "none" : auth[0]) << ": " << r.bytes;
        EXPECT_THAT(r.head, HasSubstr("WWW-Authenticate: Bearer"));
        EXPECT_THAT(r.error(), HasSubstr("Authorization: Bearer")) << r.bytes;
    }
    const auto ok = raw_exchange(mock.port(), "GET", "/_mock/stats", {},
                                 {"Authorization: Bearer s3cret-token"});
    EXPECT_EQ(ok.status, 200) << ok.bytes;
    const auto set = post_config(mock, {{"tokens", 3}}, {"Authorization: bearer s3cret-token"});
    EXPECT_EQ(set.status, 200) << set.bytes;
    // Ollama's endpoints need no token.
    const auto g = mock.client().post("/api/generate", generate_body("x", {{"stream", false}}));
    EXPECT_EQ(g.status, 200) << g.describe();
}

TEST(MockAdminSecurity, CatastrophicScriptPatternDoesNotPinAWorker) {
    MockProcess mock;
    const auto set =
        post_config(mock, {{"scripts", json::array({{{"match", "(a+)+$"}, {"tokens", {"x"}}}})}});
    ASSERT_EQ(set.status, 200) << set.bytes;
    auto http = mock.client();
    const auto t0 = Clock::now();
    const auto r =
        http.post("/api/generate", generate_body(std::string(28, 'a') + "!", {{"stream", false}}),
                  {}, std::chrono::seconds(5));
    const auto ms = micros(t0, Clock::now()) / 1000;
    EXPECT_EQ(r.status, 200) << r.describe();
    EXPECT_LT(ms, 1000) << "a 29-character prompt took " << ms << " ms to match";
    EXPECT_NE(r.json()["response"], "x") << "(a+)+$ does not match a prompt ending in '!'";
}

TEST(MockAdminSecurity, BackreferencesAreRefusedNamingTheEntry) {
    MockProcess mock;
    const auto r =
        post_config(mock, {{"scripts", json::array({{{"match", "ok"}, {"tokens", {"x"}}},
                                                    {{"match", "(a)\\1"}, {"tokens", {"y"}}}})}});
    EXPECT_EQ(r.status, 400) << r.bytes;
    EXPECT_THAT(r.error(), StartsWith("scripts: scripts[1].match: invalid regular expression"));
    EXPECT_THAT(r.error(), HasSubstr("RE2"));
}

TEST(MockAdminSecurity, SizesAClientControlsAreCapped) {
    MockProcess mock;
    const auto tokens = post_config(mock, {{"tokens", 1'000'001}});
    EXPECT_EQ(tokens.status, 400) << tokens.bytes;
    EXPECT_THAT(tokens.error(), HasSubstr("at most 1000000"));
    json models = json::array();
    for (int i = 0; i < 1001; ++i) models.push_back({{"name", "m" + std::to_string(i)}});
    const auto many = post_config(mock, {{"models", models}});
    EXPECT_EQ(many.status, 400) << many.head;
    EXPECT_THAT(many.error(), HasSubstr("at most 1000 models"));
    auto http = mock.client();
    const auto header = http.post("/api/generate", generate_body("x", {{"stream", false}}),
                                  {"X-Mock-Tokens: 2000000"});
    EXPECT_EQ(header.status, 400) << header.describe();
    const auto option =
        http.post("/api/generate",
                  generate_body("x", {{"stream", false}, {"options", {{"mock_tokens", 2000000}}}}));
    EXPECT_EQ(option.status, 400) << option.describe();
    expect_serves_a_normal_request(mock);
}

}  // namespace
}  // namespace mock_test
