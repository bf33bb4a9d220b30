#pragma once
// A number as the children's command lines take it ("0.5", "120"): the classic locale, so a
// user's locale never turns the decimal point into a comma.
#include <locale>
#include <sstream>
#include <string>

namespace harness {

inline std::string cli_number(double v) {
    std::ostringstream os;
    os.imbue(std::locale::classic());
    os << v;
    return os.str();
}

}  // namespace harness
