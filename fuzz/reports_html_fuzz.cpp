// Bytes -> report.json's reader -> report.html (reports::render_html). Properties: whatever
// the reader accepts renders without throwing, the page is well-formed XML to libxml2 (no
// check message, evidence, log or name opened or closed an element), and it holds exactly
// our one <script> element.
#include <libxml/parser.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reports/html.hpp"
#include "reports/json.hpp"

namespace {

std::size_t occurrences(std::string_view s, std::string_view needle) {
    std::size_t n = 0;
    for (auto at = s.find(needle); at != std::string_view::npos; at = s.find(needle, at + 1)) ++n;
    return n;
}

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "reports_html_fuzz: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    reports::RunReport report;
    try {
        report = reports::parse_json(text);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    const std::string page = reports::render_html(report);
    if (occurrences(page, "<script") != 1 || occurrences(page, "</script>") != 1) {
        finding("a <script> tag besides the page's own");
    }
    xmlDocPtr doc =
        xmlReadMemory(page.data(), static_cast<int>(page.size()), "report.html", nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (doc == nullptr) finding("report.html is not well-formed");
    xmlFreeDoc(doc);
    return 0;
}
