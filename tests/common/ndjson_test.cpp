#include "common/ndjson.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> feed_all(common::LineSplitter& s, const std::vector<std::string>& parts) {
    std::vector<std::string> lines;
    for (const auto& p : parts) {
        EXPECT_EQ(s.feed(p,
                         [&](std::string_view l) {
                             lines.emplace_back(l);
                             return true;
                         }),
                  common::LineSplitter::Status::ok);
    }
    return lines;
}

TEST(LineSplitter, SplitsAtEveryBytePositionTheSame) {
    const std::string stream =
        "{\"response\":\"Ma\"}\n{\"response\":\"r\xC3\xAD\"}\r\n\n{\"response\":"
        "\"\xF0\x9F\xA9\xBA\"}\n";
    const std::vector<std::string> expected = {"{\"response\":\"Ma\"}",
                                               "{\"response\":\"r\xC3\xAD\"}",
                                               "{\"response\":\"\xF0\x9F\xA9\xBA\"}"};
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        for (std::size_t cut2 = cut; cut2 <= stream.size(); cut2 += 7) {
            common::LineSplitter s;
            const auto lines = feed_all(
                s, {stream.substr(0, cut), stream.substr(cut, cut2 - cut), stream.substr(cut2)});
            EXPECT_EQ(lines, expected) << "cuts at " << cut << ", " << cut2;
            EXPECT_TRUE(s.pending().empty());
        }
    }
}

TEST(LineSplitter, KeepsAnUnfinishedLineAsPending) {
    common::LineSplitter s;
    const auto lines = feed_all(s, {"{\"a\":1}\n{\"b\""});
    EXPECT_EQ(lines.size(), 1u);
    EXPECT_EQ(s.pending(), "{\"b\"");
}

TEST(LineSplitter, RefusesALineLongerThanTheLimit) {
    common::LineSplitter s(8);
    const auto status = s.feed("0123456789", [](std::string_view) { return true; });
    EXPECT_EQ(status, common::LineSplitter::Status::line_too_long);
    common::LineSplitter t(8);
    EXPECT_EQ(t.feed("0123", [](std::string_view) { return true; }),
              common::LineSplitter::Status::ok);
    EXPECT_EQ(t.feed("456789\n", [](std::string_view) { return true; }),
              common::LineSplitter::Status::line_too_long);
}

TEST(LineSplitter, StopsWhenTheCallbackSaysSo) {
    common::LineSplitter s;
    int seen = 0;
    s.feed("a\nb\nc\n", [&](std::string_view) { return ++seen < 2; });
    EXPECT_EQ(seen, 2);
}

}  // namespace
