#pragma once
// Splits a byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kgate::protocol {

// Kafka brokers refuse requests over 100 MiB by default (socket.request.max.bytes).
inline constexpr std::size_t kDefaultMaxFrameSize = 100 * 1024 * 1024;

struct FrameStatus {
    enum class Kind { need_more, complete, invalid };
    Kind kind = Kind::need_more;
    // need_more: total bytes needed before the next check can succeed;
    // complete: bytes of the whole frame, size prefix included.
    std::size_t bytes = 0;
    std::string error;  // invalid: why
};

class FrameSplitter {
public:
    explicit FrameSplitter(std::size_t max_frame_size = kDefaultMaxFrameSize) : max_(max_frame_size) {}

    // Looks at the start of `buffered` and says whether a whole frame is there.
    FrameStatus check(std::span<const std::byte> buffered) const;
    std::size_t max_frame_size() const { return max_; }

private:
    std::size_t max_;
};

}  // namespace kgate::protocol
