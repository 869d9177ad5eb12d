#pragma once
// Reading and writing whole size-prefixed Kafka frames on a socket.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "gateway/net/asio.h"
#include "gateway/net/frame_buffer.h"
#include "gateway/net/frame_clock.h"

namespace kgate::gateway {

// Reads one frame; `frame` receives the bytes after the 4-byte size prefix. A size above
// `max_size` fails with FrameErrc::too_large before anything is allocated.
awaitable<error_code> read_frame(tcp::socket& socket, std::vector<std::byte>& frame, std::size_t max_size);

// Bytes read from one socket ahead of the frame being asked for. A small frame and its prefix
// (and often the frames after it) come in one recv instead of two; the body of a frame larger
// than what is buffered is read straight into the frame. It starts small, so an idle connection
// costs little, and grows once, when a frame did not fit, while it is empty.
struct ReadBuffer {
    static constexpr std::size_t kInitial = 512;
    static constexpr std::size_t kCapacity = 64 * 1024;
    std::unique_ptr<std::byte[]> bytes;  // default-initialised: pages are touched only by reads
    std::size_t capacity = 0;
    std::size_t begin = 0;
    std::size_t end = 0;
    bool grow = false;  // a frame was larger than capacity
};

// As read_frame above, through `buffer`; every read of one socket must then go through it.
// `clock`, when given, runs while part of the frame is in and the rest is awaited.
awaitable<error_code> read_frame(tcp::socket& socket, ReadBuffer& buffer, FrameBuffer& frame, std::size_t max_size,
                                 FrameClock* clock = nullptr);

// True when `buffer` holds a whole frame: the next read_frame through it needs no socket read.
bool has_frame(const ReadBuffer& buffer);

// Writes the size prefix and the frame in one gathered write: the frame is not copied.
awaitable<error_code> write_frame(tcp::socket& socket, std::span<const std::byte> frame);

}  // namespace kgate::gateway
