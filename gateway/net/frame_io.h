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

class TransportStream;

// Reads one frame from a socket or a TransportStream; `frame` receives the bytes after the
// 4-byte size prefix. A size above `max_size` fails with FrameErrc::too_large before anything
// is allocated.
template <class Stream>
awaitable<error_code> read_frame(Stream& stream, std::vector<std::byte>& frame, std::size_t max_size);
extern template awaitable<error_code> read_frame(tcp::socket&, std::vector<std::byte>&, std::size_t);
extern template awaitable<error_code> read_frame(TransportStream&, std::vector<std::byte>&, std::size_t);

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

// What reading a frame's body asks before each socket read, so that the bytes a connection
// holds can be bounded as they arrive (gateway/budget/ answers). The announced size is never
// charged: only what was read, and the one read in progress.
class BodyReadGate {
public:
    // How many bytes of the `remaining` may be read now from `socket`, waiting as long as it
    // must; 0 stops the read (the connection is closing, or its peer left mid-frame).
    // `buffered_above`: bytes already taken off the socket by a layer above it (TLS) that may
    // belong to the frame (TransportStream::buffered_above_socket).
    virtual awaitable<std::size_t> before_read(tcp::socket& socket, std::size_t remaining, std::size_t buffered_above) = 0;
    // `got` of the `allowed` bytes arrived.
    virtual void after_read(std::size_t allowed, std::size_t got) = 0;
    // Bytes of the frame that were already in the read-ahead buffer: held without asking.
    virtual void took_buffered(std::size_t n) = 0;
    // The frame's body was read whole, or its read failed.
    virtual void frame_done() = 0;

protected:
    ~BodyReadGate() = default;
};

// As read_frame above, from a socket or a TransportStream (plain or TLS), through `buffer`;
// every read of one stream must then go through it.
// `max_size` is read when the size prefix has arrived (the limit may change while the read
// waits for it: a client's SASL authentication answered meanwhile). `clock`, when given, runs
// while part of the frame is in and the rest is awaited. With a `gate`, the body is read in
// steps the gate allows.
template <class Stream>
awaitable<error_code> read_frame(Stream& stream, ReadBuffer& buffer, FrameBuffer& frame, const std::size_t& max_size,
                                 FrameClock* clock = nullptr, BodyReadGate* gate = nullptr);
extern template awaitable<error_code> read_frame(tcp::socket&, ReadBuffer&, FrameBuffer&, const std::size_t&, FrameClock*, BodyReadGate*);
extern template awaitable<error_code> read_frame(TransportStream&, ReadBuffer&, FrameBuffer&, const std::size_t&, FrameClock*,
                                                 BodyReadGate*);

// True when the peer has finished sending: its FIN arrived, or the connection was reset or failed.
// Shutting down kgate's own receive side (a drain) does not count.
bool peer_finished(tcp::socket& socket);

// True when the peer has finished sending (its FIN arrived, or the socket failed) and the bytes
// still unread on `socket`, with the `buffered_above` it already gave a layer above it (TLS),
// are fewer than `remaining`: the frame can never complete. Known without reading those bytes,
// so a read paused by the budget can give up on a client that left.
bool peer_left_mid_frame(tcp::socket& socket, std::size_t remaining, std::size_t buffered_above = 0);

// True when `buffer` holds a whole frame: the next read_frame through it needs no socket read.
bool has_frame(const ReadBuffer& buffer);

// Writes the size prefix and the frame in one gathered write: the frame is not copied.
template <class Stream>
awaitable<error_code> write_frame(Stream& stream, std::span<const std::byte> frame);
extern template awaitable<error_code> write_frame(tcp::socket&, std::span<const std::byte>);
extern template awaitable<error_code> write_frame(TransportStream&, std::span<const std::byte>);

}  // namespace kgate::gateway
