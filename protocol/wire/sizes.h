#pragma once
// Encoded sizes of variable-length primitives, used by generated encoded_size().
#include <cstddef>
#include <cstdint>

namespace kgate::protocol {

constexpr std::size_t uvarint_size(std::uint32_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

constexpr std::size_t uvarlong_size(std::uint64_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

constexpr std::uint32_t zigzag32(std::int32_t v) {
    return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::uint64_t zigzag64(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

constexpr std::size_t varint_size(std::int32_t v) { return uvarint_size(zigzag32(v)); }
constexpr std::size_t varlong_size(std::int64_t v) { return uvarlong_size(zigzag64(v)); }

// Length prefix of a string, bytes or array: compact = uvarint(len + 1), classic = fixed.
constexpr std::size_t string_length_size(std::size_t len, bool compact) {
    return compact ? uvarint_size(static_cast<std::uint32_t>(len + 1)) : 2;
}
constexpr std::size_t bytes_length_size(std::size_t len, bool compact) {
    return compact ? uvarint_size(static_cast<std::uint32_t>(len + 1)) : 4;
}
constexpr std::size_t array_length_size(std::size_t len, bool compact) { return bytes_length_size(len, compact); }
// A null string, bytes or array: compact 0, classic -1.
constexpr std::size_t null_length_size(bool compact, bool is_string) { return compact ? 1 : (is_string ? 2 : 4); }

}  // namespace kgate::protocol
