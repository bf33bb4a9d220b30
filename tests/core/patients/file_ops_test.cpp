// The names of the file steps, as error messages give them ("fsync failed").
#include "core/file_ops.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

TEST(FileOpNames, EachStepHasItsOwnName) {
    constexpr std::string_view expected[] = {"open",   "write",     "fsync", "close",
                                             "rename", "fsync_dir", "unlink"};
    static_assert(std::size(expected) == core::file_op_count);
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < core::file_op_count; ++i) {
        const auto name = core::to_string(static_cast<core::FileOp>(i));
        EXPECT_EQ(name, expected[i]) << i;
        seen.insert(name);
    }
    EXPECT_EQ(seen.size(), core::file_op_count);
}

}  // namespace
