#include "protocol/wire/reader.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace kgate::protocol {
namespace {

template <class T>
T load_be(const std::byte* p) {
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) u = static_cast<U>((u << 8) | static_cast<U>(p[i]));
    return static_cast<T>(u);
}

}  // namespace

bool Reader::need(std::size_t n, const char* what) {
    if (remaining() >= n) return true;
    return fail(fmt::format("{} needs {} bytes, {} left", what, n, remaining()));
}

bool Reader::read_int8(std::int8_t& v) {
    if (!need(1, "int8")) return false;
    v = static_cast<std::int8_t>(data_[pos_]);
    pos_ += 1;
    return true;
}

#define KGATE_READ_FIXED(NAME, TYPE, LABEL)        \
    bool Reader::NAME(TYPE& v) {                   \
        if (!need(sizeof(TYPE), LABEL)) return false; \
        v = load_be<TYPE>(data_.data() + pos_);    \
        pos_ += sizeof(TYPE);                      \
        return true;                               \
    }
KGATE_READ_FIXED(read_int16, std::int16_t, "int16")
KGATE_READ_FIXED(read_uint16, std::uint16_t, "uint16")
KGATE_READ_FIXED(read_int32, std::int32_t, "int32")
KGATE_READ_FIXED(read_uint32, std::uint32_t, "uint32")
KGATE_READ_FIXED(read_int64, std::int64_t, "int64")
#undef KGATE_READ_FIXED

bool Reader::read_float64(double& v) {
    std::uint64_t bits = 0;
    if (!need(8, "float64")) return false;
    bits = load_be<std::uint64_t>(data_.data() + pos_);
    pos_ += 8;
    v = std::bit_cast<double>(bits);
    return true;
}

bool Reader::read_bool(bool& v) {
    if (!need(1, "bool")) return false;
    v = data_[pos_] != std::byte{0};
    pos_ += 1;
    return true;
}

bool Reader::read_uuid(Uuid& v) {
    if (!need(16, "uuid")) return false;
    std::memcpy(v.bytes.data(), data_.data() + pos_, 16);
    pos_ += 16;
    return true;
}

bool Reader::read_uvarlong(std::uint64_t& v) {
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        if (pos_ + i >= data_.size()) return fail("varint runs past the end of the buffer");
        const auto b = static_cast<std::uint8_t>(data_[pos_ + i]);
        if (i == 9 && b > 0x01) return fail("varint is longer than 64 bits");
        out |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            pos_ += i + 1;
            v = out;
            return true;
        }
    }
    return fail("varint is longer than 10 bytes");
}

bool Reader::read_uvarint(std::uint32_t& v) {
    std::uint32_t out = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        if (pos_ + i >= data_.size()) return fail("varint runs past the end of the buffer");
        const auto b = static_cast<std::uint8_t>(data_[pos_ + i]);
        if (i == 4 && b > 0x0f) return fail("varint is longer than 32 bits");
        out |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            pos_ += i + 1;
            v = out;
            return true;
        }
    }
    return fail("varint is longer than 5 bytes");
}

bool Reader::read_varint(std::int32_t& v) {
    std::uint32_t u = 0;
    if (!read_uvarint(u)) return false;
    v = static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
}

bool Reader::read_varlong(std::int64_t& v) {
    std::uint64_t u = 0;
    if (!read_uvarlong(u)) return false;
    v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
}

// Reads a length prefix; len = -1 means null. Leaves the reader at its start on failure.
bool Reader::read_length_prefix(std::int64_t& len, bool compact, bool int16_classic, const char* what) {
    const std::size_t start = pos_;
    if (compact) {
        std::uint32_t n = 0;
        if (!read_uvarint(n)) return false;
        len = static_cast<std::int64_t>(n) - 1;
    } else if (int16_classic) {
        std::int16_t n = 0;
        if (!read_int16(n)) return false;
        len = n;
    } else {
        std::int32_t n = 0;
        if (!read_int32(n)) return false;
        len = n;
    }
    if (len < -1) {
        pos_ = start;
        return fail(fmt::format("{} has negative length {}", what, len));
    }
    if (const std::size_t left = remaining(); len > static_cast<std::int64_t>(left)) {
        pos_ = start;
        return fail(fmt::format("{} length {} exceeds the {} bytes left", what, len, left));
    }
    return true;
}

bool Reader::read_nullable_string(std::optional<std::string>& v, bool compact, bool null_allowed) {
    const std::size_t start = pos_;
    std::int64_t len = 0;
    if (!read_length_prefix(len, compact, true, "string")) return false;
    if (len < 0) {
        if (!null_allowed) {
            pos_ = start;
            return fail("null string where the field is not nullable");
        }
        v.reset();
        return true;
    }
    v.emplace(reinterpret_cast<const char*>(data_.data() + pos_), static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return true;
}

bool Reader::read_string(std::string& v, bool compact) {
    const std::size_t start = pos_;
    std::int64_t len = 0;
    if (!read_length_prefix(len, compact, true, "string")) return false;
    if (len < 0) {
        pos_ = start;
        return fail("null string where the field is not nullable");
    }
    v.assign(reinterpret_cast<const char*>(data_.data() + pos_), static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return true;
}

bool Reader::read_nullable_bytes(std::optional<BytesView>& v, bool compact, bool null_allowed) {
    const std::size_t start = pos_;
    std::int64_t len = 0;
    if (!read_length_prefix(len, compact, false, "bytes")) return false;
    if (len < 0) {
        if (!null_allowed) {
            pos_ = start;
            return fail("null bytes where the field is not nullable");
        }
        v.reset();
        return true;
    }
    v.emplace(data_.data() + pos_, static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return true;
}

bool Reader::read_bytes(BytesView& v, bool compact) {
    std::optional<BytesView> out;
    if (!read_nullable_bytes(out, compact, false)) return false;
    v = *out;
    return true;
}

bool Reader::read_array_length(std::int32_t& count, bool compact, bool null_allowed) {
    const std::size_t start = pos_;
    std::int64_t len = 0;
    if (compact) {
        std::uint32_t n = 0;
        if (!read_uvarint(n)) return false;
        len = static_cast<std::int64_t>(n) - 1;
    } else {
        std::int32_t n = 0;
        if (!read_int32(n)) return false;
        len = n;
    }
    if (len < -1) {
        pos_ = start;
        return fail(fmt::format("array has negative count {}", len));
    }
    if (len == -1 && !null_allowed) {
        pos_ = start;
        return fail("null array where the field is not nullable");
    }
    // Every element takes at least one byte, so a larger count can only be a lie.
    if (const std::size_t left = remaining(); len > static_cast<std::int64_t>(left)) {
        pos_ = start;
        return fail(fmt::format("array count {} exceeds the {} bytes left", len, left));
    }
    count = static_cast<std::int32_t>(len);
    return true;
}

bool Reader::read_raw(std::size_t n, BytesView& v) {
    if (!need(n, "raw bytes")) return false;
    v = BytesView(data_.data() + pos_, n);
    pos_ += n;
    return true;
}

Reader Reader::sub_reader(BytesView slice) const {
    const auto delta = static_cast<std::size_t>(slice.data() - data_.data());
    return Reader(slice.span(), base_ + delta);
}

bool Reader::expect_end(std::string_view field) {
    if (at_end()) return true;
    fail(fmt::format("{} bytes left unread in the tagged field's value", remaining()));
    return fail_in(field);
}

bool Reader::fail(std::string reason) { return fail_at(offset(), std::move(reason)); }

bool Reader::fail_at(std::size_t frame_offset, std::string reason) {
    error_.path.clear();
    error_.offset = frame_offset;
    error_.reason = std::move(reason);
    return false;
}

bool Reader::fail_in(std::string_view field) {
    if (error_.path.empty()) {
        error_.path.assign(field);
    } else {
        error_.path.insert(0, ".");
        error_.path.insert(0, field);
    }
    return false;
}

bool Reader::fail_in_index(std::string_view field, std::size_t index) {
    const std::string prefix = fmt::format("{}[{}]", field, index);
    if (error_.path.empty()) {
        error_.path = prefix;
    } else {
        error_.path.insert(0, prefix + ".");
    }
    return false;
}

bool Reader::adopt_error(Reader& child) {
    error_ = child.take_error();
    return false;
}

}  // namespace kgate::protocol
