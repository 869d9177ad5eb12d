#pragma once
// Whole frames queued for one socket and sent together in one gathered write.
//
// Small responses that are already buffered behind each other (acks of pipelined Produce
// requests, say) would otherwise cost one system call and one wakeup each. Frames are moved in,
// never copied, and the vectors frames were read into are handed back for the next reads.
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "gateway/net/asio.h"
#include "gateway/net/frame_buffer.h"

namespace kgate::gateway {

class TransportStream;

class FrameBatch {
public:
    // Takes `frame`'s bytes; `frame` is left holding a small spare vector from an earlier write
    // (or none), ready to be read into again.
    void add(FrameBuffer& frame);
    // Takes a frame built in memory (a local answer, a rewritten response).
    void add(std::vector<std::byte>&& frame);
    // Takes `frame` and sends, in its place, `before` + `middle` + `after`: `before` and `after`
    // are views of `frame` (a Metadata response around its re-encoded Brokers array), and stay
    // valid because moving a vector keeps its bytes where they are. Nothing is copied.
    void add_spliced(FrameBuffer& frame, std::span<const std::byte> before, std::vector<std::byte>&& middle,
                     std::span<const std::byte> after);

    bool empty() const { return entries_.empty(); }
    std::size_t frames() const { return entries_.size(); }
    // Bytes on the wire, size prefixes included.
    std::size_t bytes() const { return bytes_; }

    // Sends every queued frame, in order, in one gathered write, then empties the batch. To a
    // socket or a TransportStream (plain or TLS).
    template <class Stream>
    awaitable<error_code> write_to(Stream& stream);

private:
    struct Entry {
        std::array<unsigned char, 4> prefix{};
        FrameBuffer read;               // a frame as it was read
        std::vector<std::byte> built;   // or one made here
        bool is_built = false;
        // Spliced: read[before] + built + read[after] on the wire.
        bool is_spliced = false;
        std::span<const std::byte> before;
        std::span<const std::byte> after;
    };
    Entry& push(std::size_t size);
    FrameBuffer take_spare();

    std::vector<Entry> entries_;
    std::vector<FrameBuffer> spare_;
    std::vector<asio::const_buffer> buffers_;
    std::size_t bytes_ = 0;
};

extern template awaitable<error_code> FrameBatch::write_to(tcp::socket&);
extern template awaitable<error_code> FrameBatch::write_to(TransportStream&);

}  // namespace kgate::gateway
