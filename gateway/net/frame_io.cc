#include "gateway/net/frame_io.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "gateway/net/frame_errors.h"
#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {
namespace {

// Asio's own conditions (transfer_all, transfer_exactly) hand the kernel at most 64 KiB per
// recv/sendmsg, so a 1 MiB frame costs 16 system calls and 16 trips through the scheduler each
// way. This one offers the whole remaining buffer: the kernel moves what it has in one call.
struct whole_buffer {
    std::size_t operator()(const error_code& ec, std::size_t) const {
        return ec ? 0 : std::numeric_limits<std::size_t>::max();
    }
};

std::int32_t frame_size(const unsigned char* p) {
    return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
                                     std::uint32_t{p[3]});
}

error_code check_size(std::int32_t size, std::size_t max_size) {
    if (size < 0) return make_error_code(FrameErrc::negative_size);
    if (static_cast<std::size_t>(size) > max_size) return make_error_code(FrameErrc::too_large);
    return {};
}

tcp::socket& socket_of(tcp::socket& socket) { return socket; }
tcp::socket& socket_of(TransportStream& stream) { return stream.socket(); }
std::size_t buffered_above(const tcp::socket&) { return 0; }
std::size_t buffered_above(const TransportStream& stream) { return stream.buffered_above_socket(); }

// The rest of a frame's body, in the steps `gate` allows. Time the gate makes it wait is kgate's
// doing, not the client's: the slow-frame clock does not count it.
template <class Stream>
awaitable<error_code> read_body_gated(Stream& socket, FrameBuffer& frame, std::size_t got, BodyReadGate& gate, FrameClock* clock) {
    error_code ec;
    while (got < frame.size() && !ec) {
        const auto asked = std::chrono::steady_clock::now();
        const std::size_t allowed = co_await gate.before_read(socket_of(socket), frame.size() - got, buffered_above(socket));
        if (clock != nullptr && clock->running) clock->since += std::chrono::steady_clock::now() - asked;
        if (allowed == 0) {
            ec = asio::error::operation_aborted;
            break;
        }
        const std::size_t n = co_await socket.async_read_some(asio::buffer(frame.data() + got, allowed), with_ec(ec));
        gate.after_read(allowed, n);
        got += n;
        if (clock != nullptr) clock->received = got + 4;
    }
    gate.frame_done();
    co_return ec;
}

}  // namespace

template <class Stream>
awaitable<error_code> read_frame(Stream& socket, std::vector<std::byte>& frame, std::size_t max_size) {
    std::array<unsigned char, 4> prefix{};
    error_code ec;
    co_await asio::async_read(socket, asio::buffer(prefix), with_ec(ec));
    if (ec) co_return ec;
    const auto size = frame_size(prefix.data());
    if (auto bad = check_size(size, max_size)) co_return bad;
    frame.resize(static_cast<std::size_t>(size));
    co_await asio::async_read(socket, asio::buffer(frame), whole_buffer{}, with_ec(ec));
    co_return ec;
}

template awaitable<error_code> read_frame(tcp::socket&, std::vector<std::byte>&, std::size_t);
template awaitable<error_code> read_frame(TransportStream&, std::vector<std::byte>&, std::size_t);

template <class Stream>
awaitable<error_code> read_frame(Stream& socket, ReadBuffer& buffer, FrameBuffer& frame, const std::size_t& max_size, FrameClock* clock,
                                 BodyReadGate* gate) {
    struct StopOnExit {
        FrameClock* clock;
        ~StopOnExit() {
            if (clock != nullptr) clock->stop();
        }
    } stop_on_exit{clock};
    auto& b = buffer;
    if (!b.bytes || (b.grow && b.begin == b.end)) {
        b.capacity = b.bytes ? ReadBuffer::kCapacity : ReadBuffer::kInitial;
        b.bytes.reset(new std::byte[b.capacity]);
        b.begin = b.end = 0;
        b.grow = false;
    }
    error_code ec;
    if (b.end - b.begin >= 4) {
        // A frame that starts in the buffer still goes through the scheduler, as a socket read
        // would: work already queued on this loop (a writer with an answer to send before the
        // next frame turns out to be bad) runs first.
        co_await asio::post(socket.get_executor(), asio::use_awaitable);
    }
    while (b.end - b.begin < 4) {
        if (b.begin > 0) {  // keep the partial prefix, make room after it
            std::memmove(b.bytes.get(), b.bytes.get() + b.begin, b.end - b.begin);
            b.end -= b.begin;
            b.begin = 0;
        }
        if (clock != nullptr && b.end > b.begin) clock->start();  // part of a size prefix is in
        const auto n = co_await socket.async_read_some(asio::buffer(b.bytes.get() + b.end, b.capacity - b.end), with_ec(ec));
        if (ec) co_return ec;
        b.end += n;
        if (clock != nullptr && clock->running) clock->received = b.end - b.begin;
    }
    const auto size = frame_size(reinterpret_cast<const unsigned char*>(b.bytes.get() + b.begin));
    if (auto bad = check_size(size, max_size)) co_return bad;
    b.begin += 4;
    frame.resize(static_cast<std::size_t>(size));
    if (frame.size() + 4 > b.capacity && b.capacity < ReadBuffer::kCapacity) b.grow = true;
    const std::size_t buffered = std::min(frame.size(), b.end - b.begin);
    if (buffered > 0) std::memcpy(frame.data(), b.bytes.get() + b.begin, buffered);
    b.begin += buffered;
    if (b.begin == b.end) b.begin = b.end = 0;
    if (buffered < frame.size() && clock != nullptr) {
        clock->start();
        clock->size = frame.size();
        clock->received = buffered + 4;
    }
    if (gate != nullptr) {
        if (buffered > 0) gate->took_buffered(buffered);
        if (buffered < frame.size()) co_return co_await read_body_gated(socket, frame, buffered, *gate, clock);
        gate->frame_done();
        co_return ec;
    }
    if (buffered < frame.size()) {
        co_await asio::async_read(socket, asio::buffer(frame.data() + buffered, frame.size() - buffered), whole_buffer{}, with_ec(ec));
    }
    co_return ec;
}

template awaitable<error_code> read_frame(tcp::socket&, ReadBuffer&, FrameBuffer&, const std::size_t&, FrameClock*, BodyReadGate*);
template awaitable<error_code> read_frame(TransportStream&, ReadBuffer&, FrameBuffer&, const std::size_t&, FrameClock*, BodyReadGate*);

bool peer_finished(tcp::socket& socket) {
    tcp_info info{};
    socklen_t length = sizeof(info);
    if (getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return true;
    // CLOSE_WAIT and LAST_ACK: the FIN came in after every byte before it; CLOSE: reset.
    return info.tcpi_state == TCP_CLOSE_WAIT || info.tcpi_state == TCP_LAST_ACK || info.tcpi_state == TCP_CLOSE;
}

bool peer_left_mid_frame(tcp::socket& socket, std::size_t remaining, std::size_t buffered_above) {
    if (!peer_finished(socket)) return false;
    int unread = 0;
    if (ioctl(socket.native_handle(), FIONREAD, &unread) != 0) return true;
    return static_cast<std::size_t>(unread) + buffered_above < remaining;
}

bool has_frame(const ReadBuffer& b) {
    if (b.end - b.begin < 4) return false;
    const auto size = frame_size(reinterpret_cast<const unsigned char*>(b.bytes.get() + b.begin));
    return size >= 0 && static_cast<std::size_t>(size) <= b.end - b.begin - 4;
}

template <class Stream>
awaitable<error_code> write_frame(Stream& socket, std::span<const std::byte> frame) {
    const auto n = static_cast<std::uint32_t>(frame.size());
    const std::array<unsigned char, 4> prefix{static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                                              static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(prefix), asio::buffer(frame.data(), frame.size())};
    error_code ec;
    co_await asio::async_write(socket, buffers, whole_buffer{}, with_ec(ec));
    co_return ec;
}

template awaitable<error_code> write_frame(tcp::socket&, std::span<const std::byte>);
template awaitable<error_code> write_frame(TransportStream&, std::span<const std::byte>);

}  // namespace kgate::gateway
