// Reassembles one direction of a TCP byte stream into Kafka frames
// (int32 big-endian size, then that many bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace kgate::capture {

class FrameSplitter {
 public:
  // Well above librdkafka's receive.message.max.bytes default (100 MB);
  // anything larger means we lost track of the framing.
  static constexpr std::int64_t kMaxFrameSize = 128LL * 1024 * 1024;

  // Appends bytes read from the socket.
  void feed(std::span<const std::byte> bytes);

  // Next complete frame, size prefix included. The span stays valid until
  // the next call to feed() or next_frame(). Empty when more bytes are
  // needed or the stream has failed.
  [[nodiscard]] std::optional<std::span<const std::byte>> next_frame();

  // Set once a size prefix is negative or absurd: the stream is not (or no
  // longer) Kafka framing and nothing more will be split.
  [[nodiscard]] bool failed() const noexcept { return failed_; }
  [[nodiscard]] std::int64_t bad_size() const noexcept { return bad_size_; }

 private:
  std::vector<std::byte> buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already handed out as frames
  bool failed_ = false;
  std::int64_t bad_size_ = 0;
};

// Big-endian readers over a frame; callers check the length first.
[[nodiscard]] std::int16_t read_be16(std::span<const std::byte> bytes, std::size_t offset) noexcept;
[[nodiscard]] std::int32_t read_be32(std::span<const std::byte> bytes, std::size_t offset) noexcept;

}  // namespace kgate::capture
