#include "gateway/net/frame_batch.h"

#include <limits>
#include <utility>

namespace kgate::gateway {
namespace {

// Offers the kernel every remaining byte at once, as frame_io.cc's writes do.
struct whole_buffer {
    std::size_t operator()(const error_code& ec, std::size_t) const {
        return ec ? 0 : std::numeric_limits<std::size_t>::max();
    }
};

// Spare vectors kept for reuse: enough for a burst of small answers, never a pile of big ones.
constexpr std::size_t kMaxSpare = 8;
constexpr std::size_t kMaxSpareCapacity = 256 * 1024;

}  // namespace

void FrameBatch::add(std::vector<std::byte>& frame) {
    std::vector<std::byte> spare;
    if (!spare_.empty()) {
        spare = std::move(spare_.back());
        spare_.pop_back();
    }
    add(std::exchange(frame, std::move(spare)));
}

void FrameBatch::add(std::vector<std::byte>&& frame) {
    const auto n = static_cast<std::uint32_t>(frame.size());
    prefixes_.push_back({static_cast<unsigned char>(n >> 24), static_cast<unsigned char>(n >> 16),
                         static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)});
    bytes_ += frame.size() + 4;
    frames_.push_back(std::move(frame));
}

awaitable<error_code> FrameBatch::write_to(tcp::socket& socket) {
    // Buffers are built only now: prefixes_ may have moved while frames were added.
    buffers_.clear();
    for (std::size_t i = 0; i < frames_.size(); ++i) {
        buffers_.push_back(asio::buffer(prefixes_[i]));
        if (!frames_[i].empty()) buffers_.push_back(asio::buffer(frames_[i].data(), frames_[i].size()));
    }
    error_code ec;
    co_await asio::async_write(socket, buffers_, whole_buffer{}, with_ec(ec));
    for (auto& f : frames_) {
        if (spare_.size() < kMaxSpare && f.capacity() <= kMaxSpareCapacity) {
            f.clear();
            spare_.push_back(std::move(f));
        }
    }
    frames_.clear();
    prefixes_.clear();
    bytes_ = 0;
    co_return ec;
}

}  // namespace kgate::gateway
