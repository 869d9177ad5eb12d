#include "protocol/wire/reader.h"

#include <fmt/format.h>

namespace kgate::protocol {

bool Reader::fail_need(std::size_t n, const char* what) {
    return fail(fmt::format("{} needs {} bytes, {} left", what, n, remaining()));
}

// i: the index of the byte that ended the varint badly; max_bytes: 5 (32 bits) or 10 (64).
bool Reader::fail_varint(std::size_t i, std::size_t max_bytes) {
    if (pos_ + i >= data_.size()) return fail("varint runs past the end of the buffer");
    return fail(fmt::format("varint is longer than {} bytes", max_bytes));
}

bool Reader::read_uvarint_long(std::uint32_t& v) {
    std::uint32_t out = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        if (pos_ + i >= data_.size()) return fail_varint(i, 5);
        const auto b = static_cast<std::uint8_t>(data_[pos_ + i]);
        // As Kafka reads it: the fifth byte's bits above 32 fall away, only its continuation
        // bit is an error.
        out |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
            pos_ += i + 1;
            v = out;
            return true;
        }
    }
    return fail_varint(5, 5);
}

// Reads a length prefix; len = -1 means null. As Kafka's generated readers do, every
// negative length is null: a compact uvarint(N+1) is taken as a 32-bit signed N, so values past
// 2^31 are null too. Leaves the reader at its start on failure.
bool Reader::read_length_prefix(std::int64_t& len, bool compact, bool int16_classic, const char* what) {
    const std::size_t start = pos_;
    if (compact) {
        std::uint32_t n = 0;
        if (!read_uvarint(n)) return false;
        len = static_cast<std::int32_t>(n - 1u);
    } else if (int16_classic) {
        std::int16_t n = 0;
        if (!read_int16(n)) return false;
        len = n;
    } else {
        std::int32_t n = 0;
        if (!read_int32(n)) return false;
        len = n;
    }
    if (len < 0) {
        len = -1;
        return true;
    }
    if (const std::size_t left = remaining(); len > static_cast<std::int64_t>(left)) {
        pos_ = start;
        return fail(fmt::format("{} length {} exceeds the {} bytes left", what, len, left));
    }
    return true;
}

bool Reader::read_string_length(std::int64_t& len, bool compact, bool null_allowed) {
    const std::size_t start = pos_;
    if (!read_length_prefix(len, compact, true, "string")) return false;
    if (len < 0 && !null_allowed) {
        pos_ = start;
        return fail("null string where the field is not nullable");
    }
    return true;
}

bool Reader::read_nullable_string(std::optional<std::string>& v, bool compact, bool null_allowed) {
    std::int64_t len = 0;
    if (!read_string_length(len, compact, null_allowed)) return false;
    if (len < 0) {
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

bool Reader::skip_string(bool compact, bool null_allowed) {
    std::int64_t len = 0;
    if (!read_string_length(len, compact, null_allowed)) return false;
    if (len > 0) pos_ += static_cast<std::size_t>(len);
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

bool Reader::read_array_length_checked(std::int32_t& count, bool compact, bool null_allowed) {
    const std::size_t start = pos_;
    std::int32_t len = 0;
    if (compact) {
        std::uint32_t n = 0;
        if (!read_uvarint(n)) return false;
        len = static_cast<std::int32_t>(n - 1u);  // as Kafka reads it: past 2^31 is negative
    } else if (!read_int32(len)) {
        return false;
    }
    // Kafka takes every negative count for null.
    if (len < 0 && !null_allowed) {
        pos_ = start;
        return fail("null array where the field is not nullable");
    }
    if (len < 0) {
        count = -1;
        return true;
    }
    // Every element takes at least one byte, so a larger count can only be a lie.
    if (const std::size_t left = remaining(); static_cast<std::size_t>(len) > left) {
        pos_ = start;
        return fail(fmt::format("array count {} exceeds the {} bytes left", len, left));
    }
    count = len;
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
