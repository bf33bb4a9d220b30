#include "html/markup.hpp"

#include <cmath>
#include <stdexcept>

#include "text.hpp"

namespace reports::html {

namespace {

// Names are ours, never from input; a name outside [A-Za-z0-9:-] is a bug to catch early.
void check_name(std::string_view name) {
    bool ok = !name.empty();
    for (char c : name) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == ':');
    }
    if (!ok)
        throw std::invalid_argument("markup: bad tag or attribute name '" + std::string(name) +
                                    "'");
}

}  // namespace

void Markup::start_tag(std::string_view tag, const Attrs& attrs) {
    check_name(tag);
    out_ += '<';
    out_ += tag;
    for (const auto& a : attrs) {
        check_name(a.name);
        out_ += ' ';
        out_ += a.name;
        out_ += "=\"";
        out_ += text::xml_escape(a.value, true);
        out_ += '"';
    }
}

Markup& Markup::open(std::string_view tag, const Attrs& attrs) {
    start_tag(tag, attrs);
    out_ += '>';
    open_.emplace_back(tag);
    return *this;
}

Markup& Markup::close() {
    if (open_.empty()) throw std::logic_error("markup: close() with no open element");
    out_ += "</" + open_.back() + ">";
    open_.pop_back();
    return *this;
}

Markup& Markup::leaf(std::string_view tag, const Attrs& attrs) {
    start_tag(tag, attrs);
    out_ += "/>";
    return *this;
}

Markup& Markup::element(std::string_view tag, const Attrs& attrs, std::string_view s) {
    open(tag, attrs);
    text(s);
    return close();
}

Markup& Markup::text(std::string_view s) {
    out_ += text::xml_escape(s, false);
    return *this;
}

Markup& Markup::trusted(std::string_view markup) {
    out_ += markup;
    return *this;
}

std::string Markup::finish() {
    while (!open_.empty()) close();
    return std::move(out_);
}

std::string coord(double v) {
    return text::fixed(std::isfinite(v) ? v : 0.0, 1);
}

std::string figure(double v) {
    return std::isfinite(v) ? text::number(v) : "—";
}

std::string seconds(double v) {
    return std::isfinite(v) ? text::duration(v) : "—";
}

}  // namespace reports::html
