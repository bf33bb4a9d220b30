// bench::counted_errors_text: the one line the load client and the fleet give their failures.
#include "error_counts.hpp"

#include <gtest/gtest.h>

namespace {

TEST(CountedErrors, NoneIsEmpty) {
    EXPECT_EQ(bench::counted_errors_text({}), "");
}

TEST(CountedErrors, EachReasonWithItsCountInKeyOrder) {
    EXPECT_EQ(bench::counted_errors_text({{"read: reset", 3}}), "3 x read: reset");
    EXPECT_EQ(bench::counted_errors_text({{"read: reset", 3}, {"connect: refused", 1}}),
              "1 x connect: refused; 3 x read: reset");
}

TEST(CountedErrors, OddReasonsAreKeptAsGiven) {
    // An empty reason and one with the separator in it: written as they are, nothing dropped.
    EXPECT_EQ(bench::counted_errors_text({{"", 2}, {"a; b", 0}}), "2 x ; 0 x a; b");
}

}  // namespace
