#include "frame_splitter.h"

namespace kgate::capture {

std::int16_t read_be16(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  const auto hi = static_cast<std::uint16_t>(bytes[offset]);
  const auto lo = static_cast<std::uint16_t>(bytes[offset + 1]);
  return static_cast<std::int16_t>(static_cast<std::uint16_t>((hi << 8) | lo));
}

std::int32_t read_be32(std::span<const std::byte> bytes, std::size_t offset) noexcept {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<std::uint32_t>(bytes[offset + i]);
  }
  return static_cast<std::int32_t>(value);
}

void FrameSplitter::feed(std::span<const std::byte> bytes) {
  if (failed_) return;
  // Drop what was already handed out before growing, so the buffer stays
  // about one frame large instead of the whole connection.
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<std::span<const std::byte>> FrameSplitter::next_frame() {
  if (failed_) return std::nullopt;
  const std::span<const std::byte> pending = std::span<const std::byte>(buffer_).subspan(consumed_);
  if (pending.size() < 4) return std::nullopt;
  const std::int64_t size = read_be32(pending, 0);
  if (size < 0 || size > kMaxFrameSize) {
    failed_ = true;
    bad_size_ = size;
    return std::nullopt;
  }
  const auto total = static_cast<std::size_t>(size) + 4;
  if (pending.size() < total) return std::nullopt;
  consumed_ += total;
  return pending.first(total);
}

}  // namespace kgate::capture
