#pragma once
// Parses render_junit output back with libxml2 (xml_tree.hpp).
#include <string>
#include <vector>

#include "reports/junit.hpp"
#include "xml_tree.hpp"

namespace reports_test {

inline xml_tree::Element junit_tree(const reports::RunReport& r) {
    return xml_tree::parse(reports::render_junit(r));
}

inline std::vector<const xml_tree::Element*> testcases(const xml_tree::Element& root) {
    std::vector<const xml_tree::Element*> out;
    for (const auto* suite : root.all("testsuite")) {
        for (const auto* tc : suite->all("testcase")) out.push_back(tc);
    }
    return out;
}

inline const xml_tree::Element* testcase(const xml_tree::Element& root, const std::string& name) {
    for (const auto* tc : testcases(root)) {
        if (tc->at("name") == name) return tc;
    }
    return nullptr;
}

}  // namespace reports_test
