#pragma once
// The frame the charts share: an SVG canvas with a plot area, the mapping of values onto it
// (linear or log on x), axes with ticks, and axis titles.
#include <string>
#include <string_view>

#include "html/markup.hpp"

namespace reports::html {

struct Axis {
    double lo = 0;
    double hi = 1;
    bool log = false;  // lo > 0 then
    // 0..1 along the axis; values outside [lo, hi] clamp to the ends.
    double fraction(double v) const;
    // The value at a fraction (inverse of fraction()).
    double at(double f) const;
};

struct Frame {
    double width = 480;
    double height = 240;
    double left = 58;
    double right = 16;
    double top = 22;
    double bottom = 44;
    Axis x;
    Axis y;

    double plot_w() const { return width - left - right; }
    double plot_h() const { return height - top - bottom; }
    double px(double v) const { return left + x.fraction(v) * plot_w(); }
    double py(double v) const { return top + plot_h() * (1 - y.fraction(v)); }
};

// <svg viewBox=... role="img"> with an aria label; the caller adds its own attributes first.
void open_svg(Markup& m, const Frame& f, Attrs attrs);
// Axis lines, 5 ticks on each with their figures, and the axis titles; an empty y_title:
// no y ticks (the timeline's y is one lane per stream, not a scale).
void draw_axes(Markup& m, const Frame& f, std::string_view x_title, std::string_view y_title);

}  // namespace reports::html
