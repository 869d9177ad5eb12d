#pragma once
// Writer of Kafka wire primitives into a caller-sized buffer. Callers size the buffer with
// the generated encoded_size(); a write that would not fit is dropped and marks the writer
// as overflowed instead of writing out of bounds.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/inline.h"
#include "protocol/wire/sizes.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol {

class Writer {
public:
    explicit Writer(std::span<std::byte> out) : out_(out) {}

    std::size_t size() const { return pos_; }
    bool overflowed() const { return overflowed_; }
    std::span<std::byte> written() const { return out_.first(pos_); }

    // Fixed-width writes and varints are defined in this header: they run once per field of
    // every message, so they must be inlinable into the generated code.
    KGATE_WIRE_INLINE void write_int8(std::int8_t v) { store_be(v); }
    KGATE_WIRE_INLINE void write_int16(std::int16_t v) { store_be(v); }
    KGATE_WIRE_INLINE void write_uint16(std::uint16_t v) { store_be(v); }
    KGATE_WIRE_INLINE void write_int32(std::int32_t v) { store_be(v); }
    KGATE_WIRE_INLINE void write_uint32(std::uint32_t v) { store_be(v); }
    KGATE_WIRE_INLINE void write_int64(std::int64_t v) { store_be(v); }
    void write_float64(double v) { store_be(std::bit_cast<std::uint64_t>(v)); }
    void write_bool(bool v) { write_int8(v ? 1 : 0); }
    void write_uuid(const Uuid& v) {
        if (std::byte* p = reserve(16)) std::memcpy(p, v.bytes.data(), 16);
    }
    KGATE_WIRE_INLINE void write_uvarint(std::uint32_t v) {
        // Most varints (lengths, counts, tags) are one byte.
        if (v < 0x80) {
            if (std::byte* p = reserve(1)) *p = static_cast<std::byte>(v);
            return;
        }
        write_uvarlong(v);
    }
    void write_uvarlong(std::uint64_t v);
    void write_varint(std::int32_t v) { write_uvarlong(zigzag32(v)); }
    void write_varlong(std::int64_t v) { write_uvarlong(zigzag64(v)); }

    void write_string(std::string_view v, bool compact);
    void write_nullable_string(const std::optional<std::string>& v, bool compact);
    void write_bytes(BytesView v, bool compact);
    void write_nullable_bytes(const std::optional<BytesView>& v, bool compact);
    // count = -1 writes a null array.
    void write_array_length(std::int64_t count, bool compact);
    void write_raw(BytesView v);

private:
    // Room for n more bytes, or nullptr (and overflowed) when they do not fit.
    KGATE_WIRE_INLINE std::byte* reserve(std::size_t n) {
        if (overflowed_ || out_.size() - pos_ < n) {
            overflowed_ = true;
            return nullptr;
        }
        std::byte* p = out_.data() + pos_;
        pos_ += n;
        return p;
    }
    template <class T>
    KGATE_WIRE_INLINE void store_be(T v) {
        using U = std::make_unsigned_t<T>;
        auto u = static_cast<U>(v);
        std::byte* p = reserve(sizeof(T));
        if (p == nullptr) return;
        for (std::size_t i = sizeof(T); i-- > 0;) {
            p[i] = static_cast<std::byte>(u & 0xff);
            u = static_cast<U>(u >> 8);
        }
    }

    std::span<std::byte> out_;
    std::size_t pos_ = 0;
    bool overflowed_ = false;
};

inline void Writer::write_uvarlong(std::uint64_t v) {
    std::byte* p = reserve(uvarlong_size(v));
    if (p == nullptr) return;
    while (v >= 0x80) {
        *p++ = static_cast<std::byte>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *p = static_cast<std::byte>(v);
}

}  // namespace kgate::protocol
