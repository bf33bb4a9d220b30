#include "reports/json.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "json_reader.hpp"

namespace reports {

using nlohmann::json;

namespace {

// Non-finite numbers have no JSON spelling: null (and NaN when read back).
json number(double v) {
    return std::isfinite(v) ? json(v) : json(nullptr);
}

json to_json(const Evidence& e) {
    return {{"call", e.call},
            {"token_index", e.token_index ? json(*e.token_index) : json(nullptr)},
            {"expected", e.expected},
            {"got", e.got},
            {"detail", e.detail}};
}

json to_json(const CheckResult& c) {
    json evidence = json::array();
    for (const auto& e : c.evidence) evidence.push_back(to_json(e));
    return {{"id", c.id},
            {"title", c.title},
            {"status", to_string(c.status)},
            {"now_passing_in_baseline", c.now_passing_in_baseline},
            {"message", c.message},
            {"evidence", std::move(evidence)},
            {"warnings", c.warnings},
            {"seconds", number(c.seconds)},
            {"passed_items", c.passed_items},
            {"total_items", c.total_items},
            {"item_unit", c.item_unit}};
}

// Sparse: only the non-zero buckets, as [index, count] pairs in index order. A histogram that
// never recorded anything (and keeps the default resolution) is null.
json to_json(const Histogram& h) {
    if (h == Histogram{}) return nullptr;
    json buckets = json::array();
    for (const auto& [index, n] : h.buckets) buckets.push_back(json::array({index, n}));
    return {{"resolution", h.resolution},
            {"sub_bucket_bits", Histogram::kSubBucketBits},
            {"count", h.count},
            {"min_units", h.min_units},
            {"max_units", h.max_units},
            {"sum_units", h.sum_units},
            {"buckets", std::move(buckets)}};
}

json to_json(const Distribution& d) {
    return {{"name", d.name},       {"unit", d.unit},         {"count", d.count},
            {"p50", number(d.p50)}, {"p90", number(d.p90)},   {"p99", number(d.p99)},
            {"max", number(d.max)}, {"mean", number(d.mean)}, {"histogram", to_json(d.histogram)}};
}

json to_json(const Counts& c) {
    return {{"checks", c.checks},
            {"passed", c.passed},
            {"failed", c.failed},
            {"errors", c.errors},
            {"skipped", c.skipped},
            {"expected_failures", c.expected_failures},
            {"now_passing_in_baseline", c.now_passing_in_baseline},
            {"harness_errors", c.harness_errors}};
}

json to_json(const ScenarioResult& s) {
    json checks = json::array();
    for (const auto& c : s.checks) checks.push_back(to_json(c));
    json metrics = json::array();
    for (const auto& m : s.metrics) metrics.push_back(to_json(m));
    json attachments = json::array();
    for (const auto& [name, text] : s.attachments) {
        attachments.push_back({{"name", name}, {"text", text}});
    }
    return {{"name", s.name},
            {"file", s.file},
            {"description", s.description},
            {"seconds", number(s.seconds)},
            {"checks", std::move(checks)},
            {"metrics", std::move(metrics)},
            {"harness_error", s.harness_error},
            {"attachments", std::move(attachments)},
            {"extra", s.extra}};
}

Evidence evidence_from(const json& j, const std::string& path) {
    const Reader r(j, path);
    Evidence e;
    e.call = r.str("call");
    const json& ti = r.field("token_index");
    if (!ti.is_null()) e.token_index = r.count("token_index");
    e.expected = r.str("expected");
    e.got = r.str("got");
    e.detail = r.str("detail");
    return e;
}

CheckResult check_from(const json& j, const std::string& path) {
    const Reader r(j, path);
    CheckResult c;
    c.id = r.str("id");
    c.title = r.str("title");
    const std::string status = r.str("status");
    const auto st = status_from_string(status);
    if (!st) {
        Reader::fail(r.sub("status"), "unknown status \"" + status +
                                          "\" (passed, failed, skipped, error, expected_failure)");
    }
    c.status = *st;
    c.now_passing_in_baseline = r.boolean("now_passing_in_baseline");
    c.message = r.str("message");
    c.evidence = r.list("evidence", evidence_from);
    c.warnings = r.strings("warnings");
    c.seconds = r.num("seconds");
    c.passed_items = r.count("passed_items");
    c.total_items = r.count("total_items");
    c.item_unit = r.str("item_unit");
    return c;
}

// The buckets of a histogram: [index, count] pairs, indices increasing within the range
// record() produces, counts positive. Returns their total.
std::uint64_t buckets_from(const Reader& r, Histogram& h) {
    const json& a = r.array("buckets");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = r.item("buckets", i);
        const json& b = a[i];
        if (!b.is_array() || b.size() != 2) Reader::fail(at, "expected [index, count]");
        const std::int64_t index = fits_int64(b[0]) ? b[0].get<std::int64_t>() : -1;
        if (index < 0 || index > Histogram::max_index()) {
            Reader::fail(at + "[0]", "expected a bucket index from 0 to " +
                                         std::to_string(Histogram::max_index()));
        }
        if (!h.buckets.empty() && index <= h.buckets.rbegin()->first) {
            Reader::fail(at + "[0]", "bucket indices must increase");
        }
        const bool positive = b[1].is_number_unsigned()
                                  ? b[1].get<std::uint64_t>() > 0
                                  : b[1].is_number_integer() && b[1].get<std::int64_t>() > 0;
        if (!positive) {
            Reader::fail(at + "[1]", "expected a positive count");
        }
        const auto n = b[1].get<std::uint64_t>();
        if (__builtin_add_overflow(total, n, &total)) Reader::fail(at + "[1]", "count overflows");
        h.buckets.emplace_hint(h.buckets.end(), static_cast<std::int32_t>(index), n);
    }
    return total;
}

// A histogram as to_json writes it, checked for consistency: a report that merges or draws
// it must not meet counts that do not add up. null: empty.
Histogram histogram_from(const json& j, const std::string& path) {
    if (j.is_null()) return {};
    const Reader r(j, path);
    Histogram h;
    h.resolution = r.num("resolution");
    if (!std::isfinite(h.resolution) || h.resolution <= 0) {
        Reader::fail(r.sub("resolution"), "expected a positive number");
    }
    const auto bits = r.integer("sub_bucket_bits");
    if (bits != Histogram::kSubBucketBits) {
        Reader::fail(r.sub("sub_bucket_bits"), "unsupported value " + std::to_string(bits) +
                                                   " (this reads " +
                                                   std::to_string(Histogram::kSubBucketBits) + ")");
    }
    h.count = r.count("count");
    h.min_units = r.integer("min_units");
    h.max_units = r.integer("max_units");
    h.sum_units = r.integer("sum_units");
    const std::uint64_t total = buckets_from(r, h);
    if (total != h.count) {
        Reader::fail(r.sub("count"),
                     std::to_string(h.count) + " but the buckets hold " + std::to_string(total));
    }
    const bool extremes_fit =
        h.count == 0 ? h.min_units == 0 && h.max_units == 0 && h.sum_units == 0
                     : h.min_units >= 0 && h.min_units <= h.max_units && h.sum_units >= 0 &&
                           Histogram::index_of(h.min_units) == h.buckets.begin()->first &&
                           Histogram::index_of(h.max_units) == h.buckets.rbegin()->first;
    if (!extremes_fit) {
        Reader::fail(path, "min_units, max_units or sum_units do not fit the buckets");
    }
    return h;
}

// Field by field on purpose, as check_from and scenario_from beside it: each name is the file
// format, written once here for reading; a table would hide each field's type.
Distribution distribution_from(const json& j, const std::string& path, int version) {
    const Reader r(j, path);
    Distribution d;
    d.name = r.str("name");
    d.unit = r.str("unit");
    d.count = r.count("count");
    d.p50 = r.num("p50");
    d.p90 = r.num("p90");
    d.p99 = r.num("p99");
    d.max = r.num("max");
    d.mean = r.num("mean");
    if (version >= 2) d.histogram = histogram_from(r.field("histogram"), r.sub("histogram"));
    return d;
}

ScenarioResult scenario_from(const json& j, const std::string& path, int version) {
    const Reader r(j, path);
    ScenarioResult s;
    s.name = r.str("name");
    s.file = r.str("file");
    s.description = r.str("description");
    s.seconds = r.num("seconds");
    s.checks = r.list("checks", check_from);
    s.metrics = r.list("metrics", [version](const json& m, const std::string& at) {
        return distribution_from(m, at, version);
    });
    s.harness_error = r.str("harness_error");
    s.attachments = r.list("attachments", [](const json& v, const std::string& at) {
        const Reader a(v, at);
        return std::pair{a.str("name"), a.str("text")};
    });
    s.extra = r.field("extra");
    return s;
}

}  // namespace

json to_json(const RunReport& report) {
    json scenarios = json::array();
    for (const auto& s : report.scenarios) scenarios.push_back(to_json(s));
    json summary = to_json(report.counts());
    summary["all_passed"] = report.all_passed();
    summary["exit_code"] = exit_code(report);
    return {{"schema_version", kSchemaVersion}, {"tool_version", report.tool_version},
            {"started_at", report.started_at},  {"seconds", number(report.seconds)},
            {"options", report.options},        {"summary", std::move(summary)},
            {"scenarios", std::move(scenarios)}};
}

RunReport from_json(const json& j) {
    if (!j.is_object()) Reader::fail("(root)", "expected an object");
    const Reader r(j, "");
    const json& version = r.field("schema_version");
    if (!version.is_number_integer()) Reader::fail("schema_version", "expected an integer");
    if (version.get<std::int64_t>() < 1 || version.get<std::int64_t>() > kSchemaVersion) {
        Reader::fail("schema_version", "unsupported version " + version.dump() +
                                           " (this reads 1 to " + std::to_string(kSchemaVersion) +
                                           ")");
    }
    const int v = static_cast<int>(version.get<std::int64_t>());
    RunReport report;
    report.tool_version = r.str("tool_version");
    report.started_at = r.str("started_at");
    report.seconds = r.num("seconds");
    report.options = r.field("options");
    report.scenarios = r.list("scenarios", [v](const json& sc, const std::string& at) {
        return scenario_from(sc, at, v);
    });
    return report;
}

std::string render_json(const RunReport& report) {
    return to_json(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

RunReport parse_json(std::string_view text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e999
        throw std::invalid_argument(std::string("report.json: not valid JSON: ") + e.what());
    }
    return from_json(j);
}

}  // namespace reports
