#pragma once
// A small writer of HTML and inline SVG markup: every attribute value and every text is
// escaped (text::xml_escape), so check messages, evidence and logs from a server under test
// cannot open or close an element. Tag and attribute names come from our code and are
// checked ([A-Za-z0-9:-]). Elements close in order; finish() closes what is left open.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace reports::html {

struct Attr {
    std::string_view name;
    std::string value;
};
using Attrs = std::vector<Attr>;

class Markup {
  public:
    // <tag attrs...>; children follow until close().
    Markup& open(std::string_view tag, const Attrs& attrs = {});
    // </tag> of the innermost open element. Throws std::logic_error when none is open.
    Markup& close();
    // <tag attrs.../>: an element without content (SVG shapes, <meta>).
    Markup& leaf(std::string_view tag, const Attrs& attrs = {});
    // <tag attrs...>text</tag>
    Markup& element(std::string_view tag, const Attrs& attrs, std::string_view text);
    // Escaped text in the current element.
    Markup& text(std::string_view s);
    // Markup written by another Markup (already escaped), or our own constant CSS/script.
    Markup& trusted(std::string_view markup);
    // The markup, every open element closed.
    std::string finish();

  private:
    void start_tag(std::string_view tag, const Attrs& attrs);
    std::string out_;
    std::vector<std::string> open_;
};

// A coordinate or size for SVG: one decimal, never exponent; a non-finite value is 0 (an SVG
// with "nan" in it does not render).
std::string coord(double v);
// A figure for people: text::number, or "—" when not finite.
std::string figure(double v);
// Seconds for people: text::duration, or "—" when not finite.
std::string seconds(double v);

}  // namespace reports::html
