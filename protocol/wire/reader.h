#pragma once
// Bounds-checked reader of Kafka wire primitives. Every read either succeeds and advances,
// or fails without advancing and records a DecodeError; nothing ever reads past the end.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/decode_error.h"
#include "protocol/wire/inline.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol {

namespace wire_detail {

// Big-endian load of an integer: compilers turn the loop into one load and a byte swap.
template <class T>
inline T load_be(const std::byte* p) {
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | static_cast<U>(p[i]));
    return static_cast<T>(u);
}

}  // namespace wire_detail

class Reader {
public:
    // base_offset: where `data` starts inside the whole frame, so errors report frame offsets.
    explicit Reader(std::span<const std::byte> data, std::size_t base_offset = 0)
        : data_(data), base_(base_offset) {}

    std::size_t offset() const { return base_ + pos_; }
    std::size_t remaining() const { return data_.size() - pos_; }
    bool at_end() const { return pos_ == data_.size(); }
    // The bytes not read yet.
    std::span<const std::byte> rest() const { return data_.subspan(pos_); }
    const DecodeError& error() const { return error_; }
    DecodeError take_error() { return std::move(error_); }

    // Fixed-width reads and varints are defined below, in this header: they run once per
    // field of every message, so they must be inlinable into the generated code.
    KGATE_WIRE_INLINE bool read_int8(std::int8_t& v) { return read_fixed(v, "int8"); }
    KGATE_WIRE_INLINE bool read_int16(std::int16_t& v) { return read_fixed(v, "int16"); }
    KGATE_WIRE_INLINE bool read_uint16(std::uint16_t& v) { return read_fixed(v, "uint16"); }
    KGATE_WIRE_INLINE bool read_int32(std::int32_t& v) { return read_fixed(v, "int32"); }
    KGATE_WIRE_INLINE bool read_uint32(std::uint32_t& v) { return read_fixed(v, "uint32"); }
    KGATE_WIRE_INLINE bool read_int64(std::int64_t& v) { return read_fixed(v, "int64"); }
    bool read_float64(double& v);
    bool read_bool(bool& v);
    bool read_uuid(Uuid& v);
    KGATE_WIRE_INLINE bool read_uvarint(std::uint32_t& v) {
        // Most varints (lengths, counts, tags) are one byte.
        if (pos_ < data_.size() && static_cast<std::uint8_t>(data_[pos_]) < 0x80) {
            v = static_cast<std::uint8_t>(data_[pos_]);
            pos_ += 1;
            return true;
        }
        return read_uvarint_long(v);
    }
    bool read_uvarlong(std::uint64_t& v);
    bool read_varint(std::int32_t& v);
    bool read_varlong(std::int64_t& v);
    // Skips n bytes of a fixed-width field, failing exactly as reading it would.
    KGATE_WIRE_INLINE bool skip_fixed(std::size_t n, const char* what) {
        if (!need(n, what)) return false;
        pos_ += n;
        return true;
    }

    // compact: uvarint(len + 1) prefix (flexible versions); otherwise int16 (strings) / int32.
    bool read_string(std::string& v, bool compact);
    bool read_nullable_string(std::optional<std::string>& v, bool compact, bool null_allowed);
    // A string's or bytes' value passed over without a copy, failing exactly as reading it
    // would (null only where null_allowed).
    bool skip_string(bool compact, bool null_allowed);
    bool skip_bytes(bool compact, bool null_allowed) {
        std::optional<BytesView> ignored;
        return read_nullable_bytes(ignored, compact, null_allowed);
    }
    bool read_bytes(BytesView& v, bool compact);
    bool read_nullable_bytes(std::optional<BytesView>& v, bool compact, bool null_allowed);
    // count = -1 for a null array. A count larger than the bytes left fails before anything
    // is allocated.
    KGATE_WIRE_INLINE bool read_array_length(std::int32_t& count, bool compact, bool null_allowed) {
        // Inline, the common case: a one-byte compact or a classic count that fits in the
        // bytes left. Null, negative and lying counts take the checked path.
        if (compact) {
            if (pos_ < data_.size()) {
                const auto b = static_cast<std::uint8_t>(data_[pos_]);
                if (b >= 1 && b < 0x80 && static_cast<std::size_t>(b - 1) < remaining()) {
                    count = b - 1;
                    pos_ += 1;
                    return true;
                }
            }
        } else if (remaining() >= 4) {
            const auto n = wire_detail::load_be<std::int32_t>(data_.data() + pos_);
            if (n >= 0 && static_cast<std::size_t>(n) <= remaining() - 4) {
                count = n;
                pos_ += 4;
                return true;
            }
        }
        return read_array_length_checked(count, compact, null_allowed);
    }
    bool read_raw(std::size_t n, BytesView& v);

    // A reader over a slice of this one's input (a tagged field's value), same frame offsets.
    Reader sub_reader(BytesView slice) const;

    // True at the end of input; otherwise fails naming `field` (a tagged value with bytes left).
    bool expect_end(std::string_view field);

    // Failure helpers return false so generated code can `return r.fail_in("Field");`.
    bool fail(std::string reason);
    bool fail_at(std::size_t frame_offset, std::string reason);
    bool fail_in(std::string_view field);
    bool fail_in_index(std::string_view field, std::size_t index);
    bool adopt_error(Reader& child);

private:
    KGATE_WIRE_INLINE bool need(std::size_t n, const char* what) { return remaining() >= n || fail_need(n, what); }
    // The cold half of need(): formats the error, kept out of line.
    bool fail_need(std::size_t n, const char* what);
    // Out of line too: the failing end of a varint.
    bool fail_varint(std::size_t i, std::size_t max_bytes);
    template <class T>
    KGATE_WIRE_INLINE bool read_fixed(T& v, const char* what) {
        if (!need(sizeof(T), what)) return false;
        v = wire_detail::load_be<T>(data_.data() + pos_);
        pos_ += sizeof(T);
        return true;
    }
    bool read_uvarint_long(std::uint32_t& v);
    bool read_array_length_checked(std::int32_t& count, bool compact, bool null_allowed);
    bool read_length_prefix(std::int64_t& len, bool compact, bool int16_classic, const char* what);
    // A string's length prefix; negative (null) only where null_allowed, otherwise a failure.
    bool read_string_length(std::int64_t& len, bool compact, bool null_allowed);

    std::span<const std::byte> data_;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
    DecodeError error_;
};


inline bool Reader::read_float64(double& v) {
    std::uint64_t bits = 0;
    if (!read_fixed(bits, "float64")) return false;
    v = std::bit_cast<double>(bits);
    return true;
}

inline bool Reader::read_bool(bool& v) {
    if (!need(1, "bool")) return false;
    v = data_[pos_] != std::byte{0};
    pos_ += 1;
    return true;
}

inline bool Reader::read_uuid(Uuid& v) {
    if (!need(16, "uuid")) return false;
    std::memcpy(v.bytes.data(), data_.data() + pos_, 16);
    pos_ += 16;
    return true;
}

inline bool Reader::read_uvarlong(std::uint64_t& v) {
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        if (pos_ + i >= data_.size()) return fail_varint(i, 10);
        const auto b = static_cast<std::uint8_t>(data_[pos_ + i]);
        // As Kafka reads it: the tenth byte's bits above 64 fall away.
        out |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            pos_ += i + 1;
            v = out;
            return true;
        }
    }
    return fail_varint(10, 10);
}

inline bool Reader::read_varint(std::int32_t& v) {
    std::uint32_t u = 0;
    if (!read_uvarint(u)) return false;
    v = static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
}

inline bool Reader::read_varlong(std::int64_t& v) {
    std::uint64_t u = 0;
    if (!read_uvarlong(u)) return false;
    v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
}

}  // namespace kgate::protocol
