#pragma once
// Parses render_junit output with the strict mini_xml reader.
#include <string>
#include <vector>

#include "mini_xml.hpp"
#include "reports/junit.hpp"

namespace reports_test {

inline mini_xml::Element junit_tree(const reports::RunReport& r) {
    return mini_xml::parse(reports::render_junit(r));
}

inline std::vector<const mini_xml::Element*> testcases(const mini_xml::Element& root) {
    std::vector<const mini_xml::Element*> out;
    for (const auto* suite : root.all("testsuite")) {
        for (const auto* tc : suite->all("testcase")) out.push_back(tc);
    }
    return out;
}

inline const mini_xml::Element* testcase(const mini_xml::Element& root, const std::string& name) {
    for (const auto* tc : testcases(root)) {
        if (tc->at("name") == name) return tc;
    }
    return nullptr;
}

}  // namespace reports_test
