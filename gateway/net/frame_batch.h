#pragma once
// Whole frames queued for one socket and sent together in one gathered write.
//
// Small responses that are already buffered behind each other (acks of pipelined Produce
// requests, say) would otherwise cost one system call and one wakeup each. Frames are moved in,
// never copied, and their vectors are handed back for the next reads once written.
#include <array>
#include <cstddef>
#include <vector>

#include "gateway/net/asio.h"

namespace kgate::gateway {

class FrameBatch {
public:
    // Takes `frame`'s bytes; `frame` is left holding a spare vector from an earlier write,
    // so reading into it again reuses memory instead of allocating.
    void add(std::vector<std::byte>& frame);
    // Takes ownership of a frame nobody reads into again (a local answer, a rewritten response).
    void add(std::vector<std::byte>&& frame);

    bool empty() const { return frames_.empty(); }
    std::size_t frames() const { return frames_.size(); }
    // Bytes on the wire, size prefixes included.
    std::size_t bytes() const { return bytes_; }

    // Sends every queued frame, in order, in one gathered write, then empties the batch.
    awaitable<error_code> write_to(tcp::socket& socket);

private:
    using Prefix = std::array<unsigned char, 4>;
    std::vector<Prefix> prefixes_;
    std::vector<std::vector<std::byte>> frames_;
    std::vector<std::vector<std::byte>> spare_;
    std::vector<asio::const_buffer> buffers_;
    std::size_t bytes_ = 0;
};

}  // namespace kgate::gateway
