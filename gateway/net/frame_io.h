#pragma once
// Reading and writing whole size-prefixed Kafka frames on a socket.
#include <cstddef>
#include <span>
#include <vector>

#include "gateway/net/asio.h"

namespace kgate::gateway {

// Reads one frame; `frame` receives the bytes after the 4-byte size prefix. A size above
// `max_size` fails with FrameErrc::too_large before anything is allocated.
awaitable<error_code> read_frame(tcp::socket& socket, std::vector<std::byte>& frame, std::size_t max_size);

// Writes the size prefix and the frame in one gathered write: the frame is not copied.
awaitable<error_code> write_frame(tcp::socket& socket, std::span<const std::byte> frame);

}  // namespace kgate::gateway
