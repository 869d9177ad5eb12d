#include "gateway/net/frame_clock.h"

#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/net/frame_io.h"
#include "gateway/net/socket_pair.h"

namespace kgate::gateway {
namespace {

using Loopback = testing::SocketPair;

std::vector<std::byte> frame_of(std::uint32_t size) {
    std::vector<std::byte> out(4 + size, std::byte{7});
    out[0] = std::byte(size >> 24);
    out[1] = std::byte(size >> 16);
    out[2] = std::byte(size >> 8);
    out[3] = std::byte(size);
    return out;
}

// One read_frame on the pair's reader, clocked; `done` once it returned without an error.
void read_in_background(Loopback& l, ReadBuffer& buffer, FrameBuffer& frame, FrameClock& clock, bool& done) {
    asio::co_spawn(l.io, [&]() -> awaitable<void> {
        EXPECT_FALSE(co_await read_frame(l.reader, buffer, frame, 10000, &clock));
        done = true;
    }, asio::detached);
}

TEST(FrameClock, AFrameThatArrivesWholeNeverStartsIt) {
    Loopback l;
    ReadBuffer buffer;
    FrameBuffer frame;
    FrameClock clock;
    asio::write(l.writer, asio::buffer(frame_of(100)));
    bool done = false;
    read_in_background(l, buffer, frame, clock, done);
    l.io.run();
    EXPECT_TRUE(done);
    EXPECT_FALSE(clock.running);
    EXPECT_EQ(clock.since, std::chrono::steady_clock::time_point{});
}

TEST(FrameClock, RunsFromTheFirstBytesWhileTheRestIsAwaited) {
    Loopback l;
    ReadBuffer buffer;
    FrameBuffer frame;
    FrameClock clock;
    const auto bytes = frame_of(5000);
    bool done = false;
    read_in_background(l, buffer, frame, clock, done);
    l.io.poll();
    EXPECT_FALSE(clock.running);  // nothing sent yet: waiting for a frame is not a frame

    asio::write(l.writer, asio::buffer(bytes.data(), 2));  // half a size prefix
    for (int i = 0; i < 100 && !clock.running; ++i) l.io.run_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(clock.running);
    EXPECT_EQ(clock.size, 0u);
    const auto since = clock.since;

    asio::write(l.writer, asio::buffer(bytes.data() + 2, 1000));  // the rest of the prefix, part of the body
    for (int i = 0; i < 100 && clock.size == 0; ++i) l.io.run_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(clock.running);
    EXPECT_EQ(clock.size, 5000u);
    EXPECT_EQ(clock.since, since);  // one clock for the whole frame

    asio::write(l.writer, asio::buffer(bytes.data() + 1002, bytes.size() - 1002));
    for (int i = 0; i < 100 && !done; ++i) l.io.run_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(done);
    EXPECT_FALSE(clock.running);
    EXPECT_EQ(frame.size(), 5000u);
}

}  // namespace
}  // namespace kgate::gateway
