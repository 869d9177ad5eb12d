#pragma once
// A non-owning view of bytes inside a frame. Kafka `bytes` and `records` fields decode
// to this so record batches are never copied: the view is only valid while the frame
// buffer it points into is alive.
#include <cstddef>
#include <cstring>
#include <span>

namespace kgate::protocol {

class BytesView {
public:
    constexpr BytesView() = default;
    constexpr BytesView(const std::byte* data, std::size_t size) : data_(data), size_(size) {}
    constexpr explicit BytesView(std::span<const std::byte> s) : data_(s.data()), size_(s.size()) {}

    constexpr const std::byte* data() const { return data_; }
    constexpr std::size_t size() const { return size_; }
    constexpr bool empty() const { return size_ == 0; }
    constexpr std::span<const std::byte> span() const { return {data_, size_}; }

    // Equality compares contents: two views of equal bytes in different buffers are equal.
    friend bool operator==(const BytesView& a, const BytesView& b) {
        return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
    }

private:
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace kgate::protocol
