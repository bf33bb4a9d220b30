// compare.xml against Jenkins' junit-10.xsd (tests/reports/junit-10.xsd, its source noted
// there), validated in-process by libxml2's schema validator: every verdict the gate writes
// (ok, improved, regression, not enough data, a check regression, a harness error) and the
// awkward text (markup characters, control characters) must validate.
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/compare.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;
using ::testing::HasSubstr;

// "" when `xml` is valid against junit-10.xsd, else libxml2's complaint (or a setup error).
std::string schema_errors(const std::string& xml) {
    std::string errors;
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(MSH_JUNIT_XSD);
    xmlSchemaPtr schema = pctx != nullptr ? xmlSchemaParse(pctx) : nullptr;
    xmlSchemaValidCtxtPtr vctx = schema != nullptr ? xmlSchemaNewValidCtxt(schema) : nullptr;
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "compare.xml", nullptr,
                                  XML_PARSE_NONET);
    if (vctx == nullptr || doc == nullptr) {
        errors = vctx == nullptr ? "schema did not load" : "not well-formed XML";
    } else {
        xmlSchemaSetValidStructuredErrors(
            vctx,
            [](void* out, xmlErrorPtr e) {
                static_cast<std::string*>(out)->append(e->message != nullptr ? e->message : "?");
            },
            &errors);
        if (xmlSchemaValidateDoc(vctx, doc) != 0 && errors.empty()) errors = "invalid";
    }
    if (doc != nullptr) xmlFreeDoc(doc);
    if (vctx != nullptr) xmlSchemaFreeValidCtxt(vctx);
    if (schema != nullptr) xmlSchemaFree(schema);
    if (pctx != nullptr) xmlSchemaFreeParserCtxt(pctx);
    return errors;
}

RunReport with_ttft(std::string name, double ttft, std::size_t n, Status order) {
    ScenarioResult s = scenario(std::move(name), {check("stream.order", order, 1, 1)});
    std::vector<double> v(n, ttft);
    s.metrics = {reports::summarize("ttft", "ms", v)};
    return run({s});
}

TEST(CompareJunit, EveryVerdictValidatesAgainstJenkinsSchema) {
    auto old_run = with_ttft("a <&> \"b\"\x01", 100, 20, Status::passed);
    auto few = with_ttft("few", 100, 3, Status::passed).scenarios[0];
    auto broke = with_ttft("broke", 100, 20, Status::passed).scenarios[0];
    old_run.scenarios.push_back(few);
    old_run.scenarios.push_back(broke);
    auto new_run = with_ttft("a <&> \"b\"\x01", 200, 20, Status::failed);
    new_run.scenarios.push_back(few);
    broke.harness_error = "server <exited> & \x02 gone";
    new_run.scenarios.push_back(broke);
    const auto c = reports::compare(old_run, new_run, {});
    const std::string xml = reports::render_compare_junit(c);
    EXPECT_EQ(schema_errors(xml), "") << xml;
    EXPECT_THAT(xml, HasSubstr("<testsuites name=\"mcp-harness compare\" tests=\"9\" "
                               "failures=\"3\" errors=\"0\""));
    EXPECT_THAT(xml, HasSubstr("<failure message=\"ttft.p99: 100 → 200 ms (+100 %)"));
}

TEST(CompareJunit, TheValidatorRefusesWhatTheSchemaDoesNot) {
    const auto same = with_ttft("s", 100, 20, Status::passed);
    std::string xml = reports::render_compare_junit(reports::compare(same, same, {}));
    ASSERT_EQ(schema_errors(xml), "");
    xml.replace(xml.find("<testsuites "), 12, "<testsuites skipped=\"0\" ");
    EXPECT_THAT(schema_errors(xml), HasSubstr("skipped"));
}

}  // namespace
