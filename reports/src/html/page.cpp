// render_html: the page frame around the sections. The page is also well-formed XML (style
// and script in CDATA sections that HTML reads as comments), so a test can parse it strictly.
#include "html/sections.hpp"
#include "reports/html.hpp"

namespace reports {

std::string render_html(const RunReport& report) {
    html::Markup m;
    m.trusted("<!DOCTYPE html>\n");
    m.open("html", {{"lang", "en"}});
    m.open("head");
    m.leaf("meta", {{"charset", "utf-8"}});
    m.leaf("meta", {{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}});
    m.leaf("meta", {{"name", "color-scheme"}, {"content", "light dark"}});
    m.element("title", {},
              std::string("mcp-harness report: ") + (report.all_passed() ? "passed" : "failed") +
                  " · " + report.started_at);
    m.open("style").trusted("/*<![CDATA[*/").trusted(html::kStyle).trusted("/*]]>*/").close();
    m.close();
    m.open("body");
    m.open("main");
    html::run_summary(m, report);
    html::checklist(m, report);
    for (const auto& s : report.scenarios) html::scenario_section(m, s);
    m.close();
    m.open("script").trusted("//<![CDATA[").trusted(html::kScript).trusted("//]]>\n").close();
    return m.finish() + "\n";
}

}  // namespace reports
