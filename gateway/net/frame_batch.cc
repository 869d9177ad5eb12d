#include "gateway/net/frame_batch.h"

#include <limits>
#include <utility>

#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {
namespace {

// Offers the kernel every remaining byte at once, as frame_io.cc's writes do.
struct whole_buffer {
    std::size_t operator()(const error_code& ec, std::size_t) const {
        return ec ? 0 : std::numeric_limits<std::size_t>::max();
    }
};

// Spare vectors kept for reuse: enough for a burst of small answers. Large ones go back to the
// allocator, so a connection that once carried a big Fetch response does not keep it.
constexpr std::size_t kMaxSpare = 4;
constexpr std::size_t kMaxSpareCapacity = 64 * 1024;

}  // namespace

FrameBatch::Entry& FrameBatch::push(std::size_t size) {
    Entry& e = entries_.emplace_back();
    const auto n = static_cast<std::uint32_t>(size);
    e.prefix = {static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 8),
                static_cast<unsigned char>(n)};
    bytes_ += size + 4;
    return e;
}

FrameBuffer FrameBatch::take_spare() {
    FrameBuffer spare;
    if (!spare_.empty()) {
        spare = std::move(spare_.back());
        spare_.pop_back();
    }
    return spare;
}

void FrameBatch::add(FrameBuffer& frame) {
    Entry& e = push(frame.size());
    e.read = std::exchange(frame, take_spare());
}

void FrameBatch::add_spliced(FrameBuffer& frame, std::span<const std::byte> before, std::vector<std::byte>&& middle,
                             std::span<const std::byte> after) {
    Entry& e = push(before.size() + middle.size() + after.size());
    e.read = std::exchange(frame, take_spare());
    e.built = std::move(middle);
    e.is_spliced = true;
    e.before = before;
    e.after = after;
}

void FrameBatch::add(std::vector<std::byte>&& frame) {
    Entry& e = push(frame.size());
    e.built = std::move(frame);
    e.is_built = true;
}

template <class Stream>
awaitable<error_code> FrameBatch::write_to(Stream& socket) {
    // Buffers are built only now: entries_ may have moved while frames were added.
    buffers_.clear();
    const auto add_buffer = [this](const std::byte* data, std::size_t size) {
        if (size > 0) buffers_.push_back(asio::buffer(data, size));
    };
    for (const auto& e : entries_) {
        buffers_.push_back(asio::buffer(e.prefix));
        if (e.is_spliced) {
            add_buffer(e.before.data(), e.before.size());
            add_buffer(e.built.data(), e.built.size());
            add_buffer(e.after.data(), e.after.size());
        } else if (e.is_built) {
            add_buffer(e.built.data(), e.built.size());
        } else {
            add_buffer(e.read.data(), e.read.size());
        }
    }
    error_code ec;
    co_await asio::async_write(socket, buffers_, whole_buffer{}, with_ec(ec));
    for (auto& e : entries_) {
        if (!e.is_built && spare_.size() < kMaxSpare && e.read.capacity() <= kMaxSpareCapacity) {
            e.read.clear();
            spare_.push_back(std::move(e.read));
        }
    }
    entries_.clear();
    bytes_ = 0;
    co_return ec;
}

template awaitable<error_code> FrameBatch::write_to(tcp::socket&);
template awaitable<error_code> FrameBatch::write_to(TransportStream&);

}  // namespace kgate::gateway
