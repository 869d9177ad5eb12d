#include "protocol/frame/frame_splitter.h"

#include <fmt/format.h>

namespace kgate::protocol {

FrameStatus FrameSplitter::check(std::span<const std::byte> buffered) const {
    if (buffered.size() < 4) return {FrameStatus::Kind::need_more, 4, {}};
    std::uint32_t raw = 0;
    for (std::size_t i = 0; i < 4; ++i) raw = (raw << 8) | static_cast<std::uint32_t>(buffered[i]);
    const auto size = static_cast<std::int32_t>(raw);
    if (size < 0) return {FrameStatus::Kind::invalid, 0, fmt::format("negative frame size {}", size)};
    if (static_cast<std::size_t>(size) > max_) {
        return {FrameStatus::Kind::invalid, 0, fmt::format("frame size {} exceeds the maximum of {}", size, max_)};
    }
    const std::size_t total = 4 + static_cast<std::size_t>(size);
    if (buffered.size() < total) return {FrameStatus::Kind::need_more, total, {}};
    return {FrameStatus::Kind::complete, total, {}};
}

}  // namespace kgate::protocol
