#pragma once
// What a person types at the chat's prompts, and the search result they choose from, read
// into values. Pure: the session decides what to do with them. The search result is the
// server's text (docs/mcp-server.md, search_patients_by_disease), so it is read defensively:
// a line that is not a numbered hit is skipped, never trusted.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::chat {

// One numbered line of search_patients_by_disease's result:
// "1. ID: P001 | Name: Ana Diaz | Age: 40 | Symptoms: …".
struct Hit {
    std::string number;  // as printed ("1")
    std::string id;
    std::string name;
};

// Every numbered hit of the result text, in order.
std::vector<Hit> parse_hits(std::string_view result_text);

// The answer at the "pick" prompt.
struct Pick {
    enum class Kind { patient, search_again, invalid };
    Kind kind = Kind::invalid;
    std::string patient_id;  // Kind::patient
    std::string error;       // Kind::invalid: what to type instead
};

// A hit's number (1..hits.size()), a hit's id (any case), or any other patient id (letters,
// digits, '-' and '_', at most 64, not digits alone): the server says whether it exists. A
// number is a position first (ids may be numbers too: "2" is the second hit even when a hit's
// id is "2"), then a hit's id. An empty line goes back to the search.
Pick parse_pick(std::string_view line, const std::vector<Hit>& hits);

// y / yes / n / no in any case, blanks around ignored; an empty answer is no (the prompt says
// "[y/N]"); anything else is nullopt (ask again).
std::optional<bool> parse_yes_no(std::string_view line);

// The summary inside generate_summary's result text ("Generated Summary for <name> (ID: <id>):
// \n\n<summary>"): what follows the first blank line; the whole text when there is none.
std::string summary_of_result(std::string_view result_text);

std::string_view trimmed(std::string_view s);

}  // namespace harness::chat
