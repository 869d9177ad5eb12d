#include "protocol/frame/frame_splitter.h"

#include <vector>

#include <gtest/gtest.h>

namespace kgate::protocol {
namespace {

std::vector<std::byte> with_prefix(std::uint32_t size, std::size_t body_bytes) {
    std::vector<std::byte> out = {static_cast<std::byte>(size >> 24), static_cast<std::byte>(size >> 16),
                                  static_cast<std::byte>(size >> 8), static_cast<std::byte>(size)};
    out.resize(4 + body_bytes);
    return out;
}

TEST(FrameSplitter, NeedsTheSizePrefixFirst) {
    const FrameSplitter s;
    const std::vector<std::byte> two(2);
    const auto st = s.check(two);
    EXPECT_EQ(st.kind, FrameStatus::Kind::need_more);
    EXPECT_EQ(st.bytes, 4u);
}

TEST(FrameSplitter, WaitsForTheWholeFrame) {
    const FrameSplitter s;
    const auto st = s.check(with_prefix(10, 5));
    EXPECT_EQ(st.kind, FrameStatus::Kind::need_more);
    EXPECT_EQ(st.bytes, 14u);
}

TEST(FrameSplitter, CompleteFrameReportsItsLength) {
    const FrameSplitter s;
    const auto st = s.check(with_prefix(10, 20));  // a second frame may follow
    EXPECT_EQ(st.kind, FrameStatus::Kind::complete);
    EXPECT_EQ(st.bytes, 14u);
}

TEST(FrameSplitter, OversizedAndNegativeFramesAreInvalid) {
    const FrameSplitter s(1024);
    const auto big = s.check(with_prefix(1025, 0));
    EXPECT_EQ(big.kind, FrameStatus::Kind::invalid);
    EXPECT_NE(big.error.find("exceeds the maximum of 1024"), std::string::npos);
    const auto neg = s.check(with_prefix(0x80000000u, 0));
    EXPECT_EQ(neg.kind, FrameStatus::Kind::invalid);
    EXPECT_NE(neg.error.find("negative"), std::string::npos);
}

TEST(FrameSplitter, EmptyFrameIsComplete) {
    const FrameSplitter s;
    EXPECT_EQ(s.check(with_prefix(0, 0)).kind, FrameStatus::Kind::complete);
}

}  // namespace
}  // namespace kgate::protocol
