// Clients are offered only the APIs KoP implements, in the ranges the clamp gave.
#include "gateway/kop/served_apis.h"

#include <gtest/gtest.h>

namespace kgate::gateway {
namespace {

TEST(KopServedApis, AdvertisedButUnimplementedKeysAreDropped) {
    // What KoP 3.1.1.1 advertises, in part: served keys and some it only advertises.
    const ApiRanges advertised{{0, {0, 9}},  {1, {4, 13}}, {3, {0, 12}}, {9, {0, 8}},  {18, {0, 3}}, {22, {0, 4}},
                               {23, {2, 4}}, {35, {1, 4}}, {29, {1, 3}}, {55, {0, 1}}, {60, {0, 0}}, {61, {0, 0}}};
    const ApiRanges offered = only_served_by_kop(advertised);
    const ApiRanges want{{0, {0, 9}}, {1, {4, 13}}, {3, {0, 12}}, {9, {0, 8}}, {18, {0, 3}}, {22, {0, 4}}, {60, {0, 0}}};
    EXPECT_EQ(offered, want);
}

TEST(KopServedApis, TheThirtyServedKeys) {
    int served = 0;
    for (std::int16_t key = 0; key < 100; ++key) served += kop_serves(key) ? 1 : 0;
    EXPECT_EQ(served, 30);
    for (std::int16_t key : {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 28, 32, 33, 36, 37, 42, 60}) {
        EXPECT_TRUE(kop_serves(key)) << key;
    }
    for (std::int16_t key : {4, 5, 6, 7, 23, 29, 30, 31, 34, 35, 44, 47, 48, 49, 50, 51, 55, 57, 61, 65, 66, 68}) {
        EXPECT_FALSE(kop_serves(key)) << key;
    }
}

}  // namespace
}  // namespace kgate::gateway
