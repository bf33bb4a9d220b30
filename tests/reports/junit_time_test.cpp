// `time` is seconds with a decimal point: never a comma (whatever the locale), never an
// exponent, never negative.
#include <gtest/gtest.h>

#include <clocale>
#include <limits>
#include <locale>
#include <regex>
#include <sstream>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

// Restores the global C++ and C locales however the test ends.
class LocaleGuard {
  public:
    LocaleGuard() : cpp_(std::locale()), c_(std::setlocale(LC_ALL, nullptr)) {}
    ~LocaleGuard() {
        std::locale::global(cpp_);
        std::setlocale(LC_ALL, c_.c_str());
    }
    LocaleGuard(const LocaleGuard&) = delete;
    LocaleGuard& operator=(const LocaleGuard&) = delete;

  private:
    std::locale cpp_;
    std::string c_;
};

// A German-style numeric facet, so the test runs even where no de_DE locale is installed.
struct CommaDecimal : std::numpunct<char> {
    char do_decimal_point() const override { return ','; }
    char do_thousands_sep() const override { return '.'; }
    std::string do_grouping() const override { return "\3"; }
};

reports::RunReport timed(double seconds) {
    auto c = check("stream.order", Status::passed);
    c.seconds = seconds;
    auto r = run({scenario("s", {c})});
    r.scenarios[0].seconds = seconds;
    r.seconds = seconds;
    return r;
}

void expect_all_times(const reports::RunReport& r, const std::string& want) {
    const auto root = junit_tree(r);
    EXPECT_EQ(root.at("time"), want);
    EXPECT_EQ(root.all("testsuite")[0]->at("time"), want);
    EXPECT_EQ(testcases(root)[0]->at("time"), want);
}

TEST(JunitTime, ThreeDecimalsWithAPoint) {
    expect_all_times(timed(1234.56789), "1234.568");
    expect_all_times(timed(0.0004), "0.000");
    expect_all_times(timed(2), "2.000");
}

TEST(JunitTime, NoExponentForLargeOrTinyValues) {
    expect_all_times(timed(1e20), "100000000000000000000.000");
    expect_all_times(timed(1e-20), "0.000");
}

TEST(JunitTime, NegativeAndNonFiniteBecomeZero) {
    expect_all_times(timed(-1.5), "0.000");
    expect_all_times(timed(std::numeric_limits<double>::quiet_NaN()), "0.000");
    expect_all_times(timed(std::numeric_limits<double>::infinity()), "0.000");
}

TEST(JunitTime, DecimalPointUnderACommaLocaleFacet) {
    const LocaleGuard guard;
    std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
    // The facet is in effect: a naive stream-based formatter would write "1.234,5".
    std::ostringstream probe;
    probe << 1234.5;
    ASSERT_EQ(probe.str(), "1.234,5");
    expect_all_times(timed(1234.5), "1234.500");
}

TEST(JunitTime, DecimalPointUnderGermanLocale) {
    const LocaleGuard guard;
    bool installed = false;
    for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "de_DE"}) {
        try {
            std::locale::global(std::locale(name));  // also sets the C locale (named locale)
            installed = true;
            break;
        } catch (const std::runtime_error&) {
            // this spelling is not installed; try the next
        }
    }
    if (!installed) GTEST_SKIP() << "no de_DE locale installed (the facet test covers streams)";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", 2.5);
    ASSERT_STREQ(buf, "2,5");  // printf is affected too
    expect_all_times(timed(2.5), "2.500");
    const std::string xml = reports::render_junit(timed(2.5));
    EXPECT_EQ(std::regex_search(xml, std::regex("time=\"[0-9]+,[0-9]")), false);
}

}  // namespace
