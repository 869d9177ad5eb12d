#include "gateway/limits/open_files.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

TEST(OpenFiles, WarnsWhenTheLimitHoldsFewerThanMaxConnections) {
    EXPECT_FALSE(open_files_warning(10000, 20200));  // two descriptors each plus kgate's own
    const auto warning = open_files_warning(10000, 1024);
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("open-files limit 1024 holds about 412 client connections"), std::string::npos) << *warning;
    EXPECT_NE(warning->find("at least 20200"), std::string::npos) << *warning;
    EXPECT_TRUE(open_files_warning(10000, 64));
}

TEST(OpenFiles, NoWarningWithoutALimitOnEitherSide) {
    EXPECT_FALSE(open_files_warning(0, 1024));           // no max-connections: the open-files limit is the limit
    EXPECT_FALSE(open_files_warning(10000, std::nullopt));  // unlimited descriptors
}

}  // namespace
}  // namespace kgate::gateway
