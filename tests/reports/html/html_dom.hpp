#pragma once
// report.html read back as a tree (the page is well-formed XML): elements by name and class,
// and made-up reports with samples for the page and chart tests.
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.hpp"
#include "sample_report.hpp"
#include "xml_tree.hpp"

namespace html_test {

using xml_tree::Element;

inline bool has_class(const Element& e, std::string_view cls) {
    if (!e.has("class")) return false;
    std::istringstream words(e.at("class"));
    for (std::string w; words >> w;) {
        if (w == cls) return true;
    }
    return false;
}

// Every element named `name` ("" any) with class `cls` ("" any), in document order.
inline void find_all(const Element& e, std::string_view name, std::string_view cls,
                     std::vector<const Element*>& out) {
    if ((name.empty() || e.name == name) && (cls.empty() || has_class(e, cls))) out.push_back(&e);
    for (const auto& c : e.children) find_all(c, name, cls, out);
}
inline std::vector<const Element*> find_all(const Element& e, std::string_view name,
                                            std::string_view cls) {
    std::vector<const Element*> out;
    find_all(e, name, cls, out);
    return out;
}

// All text below `e`, in document order.
inline std::string all_text(const Element& e) {
    std::string s = e.text;
    for (const auto& c : e.children) s += all_text(c);
    return s;
}

// A call that streamed `tokens` tokens from t0 (µs), one every 10 ms, each arriving 2 ms
// after its emission.
inline reports::CallSamples call(std::string name, std::int64_t t0, int tokens) {
    reports::CallSamples c;
    c.scenario = "streaming";
    c.call = std::move(name);
    c.patient_id = "P00" + std::to_string(tokens % 10);
    c.outcome = "ok";
    c.sent_us = t0;
    for (int i = 0; i < tokens; ++i) {
        c.emitted_us.push_back(t0 + 50'000 + i * 10'000);
        c.arrived_us.push_back(t0 + 52'000 + i * 10'000);
    }
    c.response_us = t0 + 60'000 + tokens * 10'000;
    return c;
}

// one_failure() with raw samples for 7 calls (the timeline draws 5) and a second scenario
// without histograms or samples (as read from a schema-1 report.json).
inline reports::RunReport with_samples() {
    auto r = reports_test::one_failure();
    auto& s = r.scenarios[0];
    s.metrics.push_back(reports::summarize("relay_lag", "ms", {2.0, 2.0, 2.1, 1.9}));
    for (int i = 0; i < 7; ++i) {
        s.samples.push_back(
            call("client 0 steps[" + std::to_string(i) + "] generate", i * 30'000, 3 + i));
    }
    auto old = reports_test::scenario(
        "from_schema_1", {reports_test::check("csv.integrity", reports::Status::passed, 1, 1)});
    old.metrics.push_back(reports::summarize("ttft", "ms", {10.0}));
    old.metrics.back().histogram = {};
    r.scenarios.push_back(old);
    return r;
}

}  // namespace html_test
