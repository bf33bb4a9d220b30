#include "html/frame.hpp"

#include <algorithm>
#include <cmath>

namespace reports::html {

namespace {

// Tick figures: whole numbers without decimals (counts), others as in the tables.
std::string tick(double v) {
    if (std::isfinite(v) && std::fabs(v) < 1e15 && v == std::floor(v)) {
        return std::to_string(static_cast<long long>(v));
    }
    return figure(v);
}

}  // namespace

double Axis::fraction(double v) const {
    if (!std::isfinite(v)) return 0;
    v = std::clamp(v, lo, hi);
    if (hi <= lo) return 0;
    if (log) return (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
    return (v - lo) / (hi - lo);
}

double Axis::at(double f) const {
    if (log) return std::exp(std::log(lo) + f * (std::log(hi) - std::log(lo)));
    return lo + f * (hi - lo);
}

void open_svg(Markup& m, const Frame& f, Attrs attrs) {
    attrs.push_back({"xmlns", "http://www.w3.org/2000/svg"});
    attrs.push_back({"viewBox", "0 0 " + coord(f.width) + " " + coord(f.height)});
    attrs.push_back({"role", "img"});
    m.open("svg", attrs);
}

void draw_axes(Markup& m, const Frame& f, std::string_view x_title, std::string_view y_title) {
    const double x0 = f.left;
    const double x1 = f.left + f.plot_w();
    const double y0 = f.top + f.plot_h();
    const bool y_ticks = !y_title.empty();  // a y axis without a title has no scale (lanes)
    m.open("g", {{"class", "axes"}});
    m.leaf("line", {{"x1", coord(x0)}, {"y1", coord(y0)}, {"x2", coord(x1)}, {"y2", coord(y0)}});
    m.leaf("line", {{"x1", coord(x0)}, {"y1", coord(f.top)}, {"x2", coord(x0)}, {"y2", coord(y0)}});
    for (int i = 0; i <= 4; ++i) {
        const double fr = i / 4.0;
        const double tx = x0 + fr * f.plot_w();
        const double ty = y0 - fr * f.plot_h();
        m.leaf("line",
               {{"x1", coord(tx)}, {"y1", coord(y0)}, {"x2", coord(tx)}, {"y2", coord(y0 + 4)}});
        m.element("text",
                  {{"class", "tick"},
                   {"x", coord(tx)},
                   {"y", coord(y0 + 15)},
                   {"text-anchor", i == 0 ? "start" : (i == 4 ? "end" : "middle")}},
                  tick(f.x.at(fr)));
        if (!y_ticks) continue;
        m.leaf("line", {{"class", "grid"},
                        {"x1", coord(x0)},
                        {"y1", coord(ty)},
                        {"x2", coord(x1)},
                        {"y2", coord(ty)}});
        m.element(
            "text",
            {{"class", "tick"}, {"x", coord(x0 - 5)}, {"y", coord(ty + 3)}, {"text-anchor", "end"}},
            tick(f.y.at(fr)));
    }
    m.element("text",
              {{"class", "axis-title"},
               {"x", coord(x0 + f.plot_w() / 2)},
               {"y", coord(f.height - 6)},
               {"text-anchor", "middle"}},
              x_title);
    const std::string yt = coord(f.top + f.plot_h() / 2);
    m.element("text",
              {{"class", "axis-title"},
               {"x", "12"},
               {"y", yt},
               {"text-anchor", "middle"},
               {"transform", "rotate(-90 12 " + yt + ")"}},
              y_title);
    m.close();
}

}  // namespace reports::html
