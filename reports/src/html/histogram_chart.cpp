// The histogram chart: the buckets of a reports::Histogram grouped into bars.
#include <algorithm>
#include <cmath>
#include <vector>

#include "html/charts.hpp"
#include "html/frame.hpp"

namespace reports::html {

namespace {

// The x axis over the buckets that hold values (so each bar sits where its values are): log
// when they span more than 50x, so a long tail does not squeeze the body into one bar.
Axis value_axis(const Histogram& h) {
    Axis a;
    a.lo = h.bucket_low(h.buckets.begin()->first);
    a.hi = h.bucket_high(h.buckets.rbegin()->first);
    if (a.hi <= a.lo) a.hi = a.lo + std::max(h.resolution, std::fabs(a.lo) * 0.01);
    const double floor = std::max(a.lo, h.resolution);
    if (a.hi / floor > 50) {
        a.log = true;
        a.lo = floor;
    }
    return a;
}

// Bar counts: each bucket goes, whole, to the bar holding its middle value, so the bars add
// up to the histogram's count.
std::vector<std::uint64_t> bar_counts(const Histogram& h, const Axis& a, int bars) {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(bars), 0);
    for (const auto& [index, n] : h.buckets) {
        const double mid = (h.bucket_low(index) + h.bucket_high(index)) / 2;
        const int bar = std::clamp(static_cast<int>(a.fraction(mid) * bars), 0, bars - 1);
        counts[static_cast<std::size_t>(bar)] += n;
    }
    return counts;
}

void mark_percentile(Markup& m, const Frame& f, std::string_view name, double v,
                     std::string_view unit, double label_y) {
    const double x = f.px(v);
    const bool right_half = x > f.left + f.plot_w() / 2;
    m.open("g", {{"class", "percentile"}, {"data-p", std::string(name)}});
    m.leaf("line", {{"x1", coord(x)},
                    {"y1", coord(f.top)},
                    {"x2", coord(x)},
                    {"y2", coord(f.top + f.plot_h())}});
    m.element("text",
              {{"x", coord(right_half ? x - 3 : x + 3)},
               {"y", coord(label_y)},
               {"text-anchor", right_half ? "end" : "start"}},
              std::string(name) + " " + figure(v) + " " + std::string(unit));
    m.close();
}

}  // namespace

std::string histogram_chart(const Distribution& d, std::string_view scenario) {
    const Histogram& h = d.histogram;
    if (h.empty()) return "";
    Frame f;
    f.x = value_axis(h);
    const auto counts = bar_counts(h, f.x, kMaxBars);
    const auto tallest = *std::max_element(counts.begin(), counts.end());
    // A multiple of 4, so that the 5 ticks of the count axis are whole numbers.
    f.y = {0, static_cast<double>((std::max<std::uint64_t>(tallest, 1) + 3) / 4 * 4), false};
    const std::string label(metric_label(d.name));
    Markup m;
    open_svg(m, f,
             {{"class", "histogram"},
              {"data-scenario", std::string(scenario)},
              {"data-metric", d.name},
              {"data-count", std::to_string(h.count)},
              {"aria-label", label + " histogram, " + std::string(scenario)}});
    m.element("title", {}, label + ": " + std::to_string(h.count) + " values");
    draw_axes(m, f, label + " (" + d.unit + (f.x.log ? ", log scale)" : ")"), "count");
    const double bar_w = f.plot_w() / kMaxBars;
    for (int i = 0; i < kMaxBars; ++i) {
        const auto n = counts[static_cast<std::size_t>(i)];
        if (n == 0) continue;
        const double top = f.py(static_cast<double>(n));
        const double lo = f.x.at(static_cast<double>(i) / kMaxBars);
        const double hi = f.x.at(static_cast<double>(i + 1) / kMaxBars);
        m.open("rect", {{"class", "bar"},
                        {"data-count", std::to_string(n)},
                        {"x", coord(f.left + i * bar_w + 0.5)},
                        {"y", coord(top)},
                        {"width", coord(std::max(bar_w - 1, 1.0))},
                        {"height", coord(f.top + f.plot_h() - top)}});
        m.element("title", {},
                  figure(lo) + "–" + figure(hi) + " " + d.unit + ": " + std::to_string(n));
        m.close();
    }
    mark_percentile(m, f, "p50", d.p50, d.unit, f.top - 8);
    mark_percentile(m, f, "p99", d.p99, d.unit, f.top + 4 + 8);
    return m.finish();
}

}  // namespace reports::html
