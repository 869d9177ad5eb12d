#include "protocol/wire/writer.h"

#include <bit>
#include <cstring>

#include "protocol/wire/sizes.h"

namespace kgate::protocol {

std::byte* Writer::reserve(std::size_t n) {
    if (overflowed_ || out_.size() - pos_ < n) {
        overflowed_ = true;
        return nullptr;
    }
    std::byte* p = out_.data() + pos_;
    pos_ += n;
    return p;
}

template <class T>
void Writer::store_be(T v) {
    using U = std::make_unsigned_t<T>;
    auto u = static_cast<U>(v);
    std::byte* p = reserve(sizeof(T));
    if (p == nullptr) return;
    for (std::size_t i = sizeof(T); i-- > 0;) {
        p[i] = static_cast<std::byte>(u & 0xff);
        u = static_cast<U>(u >> 8);
    }
}

void Writer::write_int8(std::int8_t v) { store_be(v); }
void Writer::write_int16(std::int16_t v) { store_be(v); }
void Writer::write_uint16(std::uint16_t v) { store_be(v); }
void Writer::write_int32(std::int32_t v) { store_be(v); }
void Writer::write_uint32(std::uint32_t v) { store_be(v); }
void Writer::write_int64(std::int64_t v) { store_be(v); }
void Writer::write_float64(double v) { store_be(std::bit_cast<std::uint64_t>(v)); }

void Writer::write_uuid(const Uuid& v) {
    if (std::byte* p = reserve(16)) std::memcpy(p, v.bytes.data(), 16);
}

void Writer::write_uvarlong(std::uint64_t v) {
    std::byte* p = reserve(uvarlong_size(v));
    if (p == nullptr) return;
    while (v >= 0x80) {
        *p++ = static_cast<std::byte>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *p = static_cast<std::byte>(v);
}

void Writer::write_uvarint(std::uint32_t v) { write_uvarlong(v); }
void Writer::write_varint(std::int32_t v) { write_uvarlong(zigzag32(v)); }
void Writer::write_varlong(std::int64_t v) { write_uvarlong(zigzag64(v)); }

void Writer::write_string(std::string_view v, bool compact) {
    if (compact) {
        write_uvarint(static_cast<std::uint32_t>(v.size() + 1));
    } else {
        // Classic strings carry an int16 length: longer ones cannot be represented.
        if (v.size() > 0x7fff) {
            overflowed_ = true;
            return;
        }
        write_int16(static_cast<std::int16_t>(v.size()));
    }
    if (std::byte* p = reserve(v.size()); p != nullptr && !v.empty()) std::memcpy(p, v.data(), v.size());
}

void Writer::write_nullable_string(const std::optional<std::string>& v, bool compact) {
    if (!v) {
        if (compact) write_uvarint(0);
        else write_int16(-1);
        return;
    }
    write_string(*v, compact);
}

void Writer::write_bytes(BytesView v, bool compact) {
    if (compact) write_uvarint(static_cast<std::uint32_t>(v.size() + 1));
    else write_int32(static_cast<std::int32_t>(v.size()));
    write_raw(v);
}

void Writer::write_nullable_bytes(const std::optional<BytesView>& v, bool compact) {
    if (!v) {
        write_array_length(-1, compact);
        return;
    }
    write_bytes(*v, compact);
}

void Writer::write_array_length(std::int64_t count, bool compact) {
    if (compact) write_uvarint(static_cast<std::uint32_t>(count + 1));
    else write_int32(static_cast<std::int32_t>(count));
}

void Writer::write_raw(BytesView v) {
    if (std::byte* p = reserve(v.size()); p != nullptr && !v.empty()) std::memcpy(p, v.data(), v.size());
}

}  // namespace kgate::protocol
