#pragma once
// Reading and writing whole size-prefixed Kafka frames on a socket.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "gateway/net/asio.h"

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
awaitable<error_code> read_frame(tcp::socket& socket, ReadBuffer& buffer, std::vector<std::byte>& frame, std::size_t max_size);

// True when `buffer` holds a whole frame: the next read_frame through it needs no socket read.
bool has_frame(const ReadBuffer& buffer);

// Appends the size prefix and the frame to `out`, for frames sent later in one write.
void append_frame(std::vector<std::byte>& out, std::span<const std::byte> frame);

// Writes bytes as they are (whole frames, as append_frame made them).
awaitable<error_code> write_bytes(tcp::socket& socket, std::span<const std::byte> bytes);

// Writes `before` (whole frames, as append_frame made them), then the size prefix and the frame,
// in one gathered write.
awaitable<error_code> write_frames(tcp::socket& socket, std::span<const std::byte> before, std::span<const std::byte> frame);

// Writes the size prefix and the frame in one gathered write: the frame is not copied.
awaitable<error_code> write_frame(tcp::socket& socket, std::span<const std::byte> frame);

// As write_frame, for a frame in three consecutive parts (one spliced between two views of
// another frame): one gathered write, nothing copied.
awaitable<error_code> write_frame_parts(tcp::socket& socket, std::span<const std::byte> first, std::span<const std::byte> middle,
                                        std::span<const std::byte> last);

}  // namespace kgate::gateway
