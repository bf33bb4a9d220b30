// report.json schema 2: each metric's histogram, written sparsely and read back equal; schema 1
// (no histograms) still read; a histogram whose numbers do not add up is refused by path.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "json_support.hpp"
#include "reports/json.hpp"

namespace {

using namespace reports_test;
using nlohmann::json;

// The ttft metric's histogram in valid(): 4 values, 4 buckets.
json& ttft(json& j) {
    return j["scenarios"][0]["metrics"][0]["histogram"];
}

const std::string kAt = "report.json: scenarios[0].metrics[0].histogram";

TEST(JsonHistogram, WrittenSparselyWithItsUnits) {
    const auto j = valid();
    const auto& h = j["scenarios"][0]["metrics"][0]["histogram"];
    EXPECT_EQ(h.at("resolution"), 0.001);
    EXPECT_EQ(h.at("sub_bucket_bits"), 6);
    EXPECT_EQ(h.at("count"), 4);
    EXPECT_EQ(h.at("min_units"), 39'200);
    EXPECT_EQ(h.at("max_units"), 120'000);
    EXPECT_EQ(h.at("sum_units"), 41'000 + 43'500 + 39'200 + 120'000);
    ASSERT_EQ(h.at("buckets").size(), 4u);
    EXPECT_EQ(h.at("buckets")[0][0], reports::Histogram::index_of(39'200));
    EXPECT_EQ(h.at("buckets")[0][1], 1);
}

TEST(JsonHistogram, RoundTripKeepsEveryBucket) {
    auto r = one_failure();
    auto& m = r.scenarios[0].metrics;
    for (int i = 0; i < 3000; ++i) m[1].histogram.record(i * 0.37);
    m.push_back(reports::summarize("tokens_per_s_stream", "tokens/s", {}));  // empty: null
    m.back().histogram.resolution = 0.01;  // not the default: written, with no buckets
    m.push_back(reports::summarize("e2e", "ms", {}));
    const auto j = reports::to_json(r);
    EXPECT_TRUE(j["scenarios"][0]["metrics"][3]["histogram"].is_null());
    EXPECT_EQ(j["scenarios"][0]["metrics"][2]["histogram"]["buckets"], json::array());
    EXPECT_EQ(reports::from_json(j), r);
    EXPECT_EQ(reports::parse_json(reports::render_json(r)), r);
}

TEST(JsonHistogram, SchemaOneReadsWithEmptyHistograms) {
    auto j = valid();
    j["schema_version"] = 1;
    for (auto& m : j["scenarios"][0]["metrics"]) m.erase("histogram");
    const auto r = reports::from_json(j);
    auto expected = one_failure();
    for (auto& m : expected.scenarios[0].metrics) m.histogram = {};
    EXPECT_EQ(r, expected);
}

TEST(JsonHistogram, SchemaTwoNeedsTheField) {
    auto j = valid();
    j["scenarios"][0]["metrics"][1].erase("histogram");
    EXPECT_EQ(error_of(j), "report.json: scenarios[0].metrics[1].histogram: missing");
}

TEST(JsonHistogram, MalformedFieldsAreNamed) {
    auto j = valid();
    ttft(j)["resolution"] = 0;
    EXPECT_EQ(error_of(j), kAt + ".resolution: expected a positive number");
    j = valid();
    ttft(j)["resolution"] = -0.001;
    EXPECT_EQ(error_of(j), kAt + ".resolution: expected a positive number");
    j = valid();
    ttft(j)["sub_bucket_bits"] = 7;
    EXPECT_EQ(error_of(j), kAt + ".sub_bucket_bits: unsupported value 7 (this reads 6)");
    j = valid();
    ttft(j)["min_units"] = "39";
    EXPECT_EQ(error_of(j), kAt + ".min_units: expected an integer");
    j = valid();
    ttft(j) = json::array();
    EXPECT_EQ(error_of(j), kAt + ": expected an object");
}

TEST(JsonHistogram, BucketsThatDoNotAddUp) {
    auto j = valid();
    ttft(j)["count"] = 5;
    EXPECT_EQ(error_of(j), kAt + ".count: 5 but the buckets hold 4");
    j = valid();
    ttft(j)["buckets"][2][1] = -1;
    EXPECT_EQ(error_of(j), kAt + ".buckets[2][1]: expected a positive count");
    j = valid();
    ttft(j)["buckets"][2][1] = 0;
    EXPECT_EQ(error_of(j), kAt + ".buckets[2][1]: expected a positive count");
    j = valid();
    std::swap(ttft(j)["buckets"][1], ttft(j)["buckets"][2]);
    EXPECT_EQ(error_of(j), kAt + ".buckets[2][0]: bucket indices must increase");
    j = valid();
    ttft(j)["buckets"][1] = ttft(j)["buckets"][0];
    EXPECT_EQ(error_of(j), kAt + ".buckets[1][0]: bucket indices must increase");
    j = valid();
    ttft(j)["buckets"][3][0] = reports::Histogram::max_index() + 1;
    EXPECT_EQ(error_of(j), kAt + ".buckets[3][0]: expected a bucket index from 0 to " +
                               std::to_string(reports::Histogram::max_index()));
    j = valid();
    ttft(j)["buckets"][0] = {1};
    EXPECT_EQ(error_of(j), kAt + ".buckets[0]: expected [index, count]");
    j = valid();
    ttft(j)["max_units"] = 200'000;  // outside the last bucket
    EXPECT_EQ(error_of(j), kAt + ": min_units, max_units or sum_units do not fit the buckets");
    j = valid();
    ttft(j)["buckets"][0][1] = 18446744073709551615ULL;
    ttft(j)["buckets"][1][1] = 2;
    EXPECT_EQ(error_of(j), kAt + ".buckets[1][1]: count overflows");
}

}  // namespace
