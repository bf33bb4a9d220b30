// junit.xml against Jenkins' own schema (junit-10.xsd, shipped beside this test with its
// source), checked by xmllint (Debian libxml2-utils) as a CI job would: every outcome the
// renderer writes (failure, error, skipped, expected failure, harness error, attachments,
// an empty run) must validate.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "reports/junit.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;
namespace fs = std::filesystem;

struct Verdict {
    int status = -1;
    std::string output;  // xmllint's stdout and stderr
};

Verdict xmllint(const reports::RunReport& r) {
    const fs::path file =
        fs::temp_directory_path() / ("msh_junit_xsd_" + std::to_string(::getpid()) + ".xml");
    std::ofstream(file) << reports::render_junit(r);
    const std::string cmd = "xmllint --noout --schema '" + std::string(MSH_JUNIT_XSD) + "' '" +
                            file.string() + "' 2>&1";
    Verdict v;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return v;
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;)
        v.output.append(buf.data(), n);
    const int raw = ::pclose(p);
    v.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    fs::remove(file);
    return v;
}

reports::RunReport every_outcome() {
    auto failed = check("stream.order", Status::failed, 1, 2);
    failed.message = "token 3 arrived out of order";
    failed.evidence.push_back({"7", 3, "\"a\"", "\"b\"", "position 9 after 12"});
    auto err = check("stream.realtime", Status::error);
    err.message = "no timestamps";
    auto skip = check("csv.integrity", Status::skipped);
    skip.message = "not applicable: no save step";
    auto expected = check("stream.final_matches", Status::expected_failure);
    auto passing = check("stream.tokens_delivered", Status::passed, 2, 2);
    passing.now_passing_in_baseline = true;
    auto s1 = scenario("every_outcome", {failed, err, skip, expected, passing});
    s1.attachments.emplace_back("server.log", "line <1> & \"2\"\n");
    auto s2 = scenario("harness_broke", {});
    s2.harness_error = "could not start the server";
    auto s3 = scenario("attachments_only", {check("stream.order", Status::passed, 1, 1)});
    s3.attachments.emplace_back("mock.log", "ok\n");
    return run({s1, s2, s3});
}

TEST(JunitXsd, EveryOutcomeValidatesAgainstJenkinsSchema) {
    const Verdict v = xmllint(every_outcome());
    EXPECT_EQ(v.status, 0) << v.output;
}

TEST(JunitXsd, EmptyRunValidates) {
    const Verdict v = xmllint(run({}));
    EXPECT_EQ(v.status, 0) << v.output;
}

// The validator is not a rubber stamp: an attribute the schema lacks is refused.
TEST(JunitXsd, XmllintRefusesWhatTheSchemaDoesNot) {
    auto r = run({scenario("s", {check("stream.order", Status::passed)})});
    std::string xml = reports::render_junit(r);
    const fs::path file =
        fs::temp_directory_path() / ("msh_junit_xsd_bad_" + std::to_string(::getpid()) + ".xml");
    xml.replace(xml.find("<testsuites "), 12, "<testsuites skipped=\"0\" ");
    std::ofstream(file) << xml;
    const std::string cmd = "xmllint --noout --schema '" + std::string(MSH_JUNIT_XSD) + "' '" +
                            file.string() + "' >/dev/null 2>&1";
    const int raw = std::system(cmd.c_str());
    fs::remove(file);
    EXPECT_TRUE(WIFEXITED(raw) && WEXITSTATUS(raw) != 0);
}

}  // namespace
