#pragma once
// Bounds-checked reader of Kafka wire primitives. Every read either succeeds and advances,
// or fails without advancing and records a DecodeError; nothing ever reads past the end.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/decode_error.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol {

class Reader {
public:
    // base_offset: where `data` starts inside the whole frame, so errors report frame offsets.
    explicit Reader(std::span<const std::byte> data, std::size_t base_offset = 0)
        : data_(data), base_(base_offset) {}

    std::size_t offset() const { return base_ + pos_; }
    std::size_t remaining() const { return data_.size() - pos_; }
    bool at_end() const { return pos_ == data_.size(); }
    const DecodeError& error() const { return error_; }
    DecodeError take_error() { return std::move(error_); }

    bool read_int8(std::int8_t& v);
    bool read_int16(std::int16_t& v);
    bool read_uint16(std::uint16_t& v);
    bool read_int32(std::int32_t& v);
    bool read_uint32(std::uint32_t& v);
    bool read_int64(std::int64_t& v);
    bool read_float64(double& v);
    bool read_bool(bool& v);
    bool read_uuid(Uuid& v);
    bool read_uvarint(std::uint32_t& v);
    bool read_uvarlong(std::uint64_t& v);
    bool read_varint(std::int32_t& v);
    bool read_varlong(std::int64_t& v);

    // compact: uvarint(len + 1) prefix (flexible versions); otherwise int16 (strings) / int32.
    bool read_string(std::string& v, bool compact);
    bool read_nullable_string(std::optional<std::string>& v, bool compact, bool null_allowed);
    bool read_bytes(BytesView& v, bool compact);
    bool read_nullable_bytes(std::optional<BytesView>& v, bool compact, bool null_allowed);
    // count = -1 for a null array. A count larger than the bytes left fails before anything
    // is allocated.
    bool read_array_length(std::int32_t& count, bool compact, bool null_allowed);
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
    bool need(std::size_t n, const char* what);
    bool read_length_prefix(std::int64_t& len, bool compact, bool int16_classic, const char* what);

    std::span<const std::byte> data_;
    std::size_t base_ = 0;
    std::size_t pos_ = 0;
    DecodeError error_;
};

}  // namespace kgate::protocol
