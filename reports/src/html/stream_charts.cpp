// The charts drawn from raw samples: the timeline of a few streams and tokens/s over time.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "html/charts.hpp"
#include "html/frame.hpp"

namespace reports::html {

namespace {

constexpr double kLane = 46;  // px per stream in the timeline

std::int64_t last_moment(const CallSamples& c) {
    std::int64_t t = std::max(c.sent_us, c.response_us);
    if (!c.arrived_us.empty()) t = std::max(t, c.arrived_us.back());
    if (!c.emitted_us.empty()) t = std::max(t, c.emitted_us.back());
    return t;
}

// The first calls that streamed anything: the timeline draws these.
std::vector<const CallSamples*> drawn_calls(const ScenarioResult& s) {
    std::vector<const CallSamples*> out;
    for (const auto& c : s.samples) {
        if (out.size() == kTimelineCalls) break;
        if (!c.arrived_us.empty() || !c.emitted_us.empty()) out.push_back(&c);
    }
    return out;
}

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

void draw_points(Markup& m, const Frame& f, const std::vector<std::int64_t>& at,
                 std::string_view cls, double y) {
    for (const auto t : at) {
        if (t < 0) continue;
        m.leaf("circle", {{"class", std::string(cls)},
                          {"cx", coord(f.px(ms(t)))},
                          {"cy", coord(y)},
                          {"r", "2.2"}});
    }
}

// One stream's lane: its span from request to response, a line per token from emission to
// arrival (long lines are relay lag, gaps are stalls), and the points.
void draw_stream(Markup& m, const Frame& f, const CallSamples& c, double y) {
    m.open("g", {{"class", "stream"},
                 {"data-call", c.call},
                 {"data-tokens", std::to_string(c.arrived_us.size())}});
    m.element("text", {{"class", "lane"}, {"x", coord(f.left + 2)}, {"y", coord(y - 12)}},
              c.call + " · " + std::to_string(c.arrived_us.size()) + " tokens · " + c.outcome);
    if (c.sent_us >= 0) {
        const auto end = c.response_us >= 0 ? c.response_us : last_moment(c);
        m.leaf("line", {{"class", "span"},
                        {"x1", coord(f.px(ms(c.sent_us)))},
                        {"y1", coord(y)},
                        {"x2", coord(f.px(ms(end)))},
                        {"y2", coord(y)}});
    }
    const auto paired = std::min(c.arrived_us.size(), c.emitted_us.size());
    for (std::size_t i = 0; i < paired; ++i) {
        m.leaf("line", {{"class", "lag"},
                        {"x1", coord(f.px(ms(c.emitted_us[i])))},
                        {"y1", coord(y - 6)},
                        {"x2", coord(f.px(ms(c.arrived_us[i])))},
                        {"y2", coord(y + 6)}});
    }
    draw_points(m, f, c.emitted_us, "emission", y - 6);
    draw_points(m, f, c.arrived_us, "arrival", y + 6);
    m.close();
}

}  // namespace

std::string timeline_chart(const ScenarioResult& s) {
    const auto calls = drawn_calls(s);
    if (calls.empty()) return "";
    std::int64_t end = 1;
    std::size_t tokens = 0;
    for (const auto* c : calls) {
        end = std::max(end, last_moment(*c));
        tokens += c->arrived_us.size();
    }
    Frame f;
    f.width = 1300;  // about the page's width: text at its natural size
    f.top = 30;
    f.height = f.top + f.bottom + kLane * static_cast<double>(calls.size());
    f.x = {0, ms(end), false};
    f.y = {0, static_cast<double>(calls.size()), false};
    Markup m;
    open_svg(m, f,
             {{"class", "timeline"},
              {"data-scenario", s.name},
              {"data-tokens", std::to_string(tokens)},
              {"aria-label", "timeline of " + std::to_string(calls.size()) + " streams"}});
    draw_axes(m, f, "time since the scenario started (ms)", "");
    m.element("text", {{"class", "legend emission-key"}, {"x", coord(f.left)}, {"y", "12"}},
              "● emitted by the mock (upper row)");
    m.element("text", {{"class", "legend arrival-key"}, {"x", coord(f.left + 260)}, {"y", "12"}},
              "● received by the client (lower row)");
    for (std::size_t i = 0; i < calls.size(); ++i) {
        draw_stream(m, f, *calls[i], f.top + kLane * (static_cast<double>(i) + 0.5) + 6);
    }
    return m.finish();
}

std::string throughput_chart(const ScenarioResult& s) {
    std::int64_t end = 0;
    std::size_t tokens = 0;
    for (const auto& c : s.samples) {
        for (const auto t : c.arrived_us) end = std::max(end, t);
        tokens += c.arrived_us.size();
    }
    if (tokens == 0 || end <= 0) return "";
    const double bin_us = static_cast<double>(end) / kRateBins;
    std::vector<std::size_t> bins(kRateBins, 0);
    for (const auto& c : s.samples) {
        for (const auto t : c.arrived_us) {
            if (t < 0) continue;
            const auto b =
                std::min<std::size_t>(static_cast<std::size_t>(t / bin_us), kRateBins - 1);
            ++bins[b];
        }
    }
    const double per_s = 1e6 / bin_us;
    const auto peak = *std::max_element(bins.begin(), bins.end());
    Frame f;
    f.x = {0, ms(end), false};
    f.y = {0, std::max(1.0, static_cast<double>(peak) * per_s), false};
    Markup m;
    open_svg(m, f,
             {{"class", "throughput"},
              {"data-scenario", s.name},
              {"data-tokens", std::to_string(tokens)},
              {"aria-label", "tokens per second over time"}});
    draw_axes(m, f, "time since the scenario started (ms)", "tokens/s");
    const double w = f.plot_w() / kRateBins;
    for (std::size_t i = 0; i < bins.size(); ++i) {
        if (bins[i] == 0) continue;
        const double top = f.py(static_cast<double>(bins[i]) * per_s);
        m.leaf("rect", {{"class", "rate"},
                        {"data-tokens", std::to_string(bins[i])},
                        {"x", coord(f.left + static_cast<double>(i) * w)},
                        {"y", coord(top)},
                        {"width", coord(std::max(w - 0.5, 0.5))},
                        {"height", coord(f.top + f.plot_h() - top)}});
    }
    return m.finish();
}

}  // namespace reports::html
