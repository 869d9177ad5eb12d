#include "gateway/net/frame_io.h"

#include <array>
#include <limits>

#include "gateway/net/frame_errors.h"

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

}  // namespace

awaitable<error_code> read_frame(tcp::socket& socket, std::vector<std::byte>& frame, std::size_t max_size) {
    std::array<unsigned char, 4> prefix{};
    error_code ec;
    co_await asio::async_read(socket, asio::buffer(prefix), with_ec(ec));
    if (ec) co_return ec;
    const auto size = static_cast<std::int32_t>((std::uint32_t{prefix[0]} << 24) | (std::uint32_t{prefix[1]} << 16) |
                                                (std::uint32_t{prefix[2]} << 8) | std::uint32_t{prefix[3]});
    if (size < 0) co_return make_error_code(FrameErrc::negative_size);
    if (static_cast<std::size_t>(size) > max_size) co_return make_error_code(FrameErrc::too_large);
    frame.resize(static_cast<std::size_t>(size));
    co_await asio::async_read(socket, asio::buffer(frame), whole_buffer{}, with_ec(ec));
    co_return ec;
}

awaitable<error_code> write_frame(tcp::socket& socket, std::span<const std::byte> frame) {
    const auto n = static_cast<std::uint32_t>(frame.size());
    const std::array<unsigned char, 4> prefix{static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                                              static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(prefix), asio::buffer(frame.data(), frame.size())};
    error_code ec;
    co_await asio::async_write(socket, buffers, whole_buffer{}, with_ec(ec));
    co_return ec;
}

}  // namespace kgate::gateway
