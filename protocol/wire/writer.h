#pragma once
// Writer of Kafka wire primitives into a caller-sized buffer. Callers size the buffer with
// the generated encoded_size(); a write that would not fit is dropped and marks the writer
// as overflowed instead of writing out of bounds.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/wire/bytes_view.h"
#include "protocol/wire/uuid.h"

namespace kgate::protocol {

class Writer {
public:
    explicit Writer(std::span<std::byte> out) : out_(out) {}

    std::size_t size() const { return pos_; }
    bool overflowed() const { return overflowed_; }
    std::span<std::byte> written() const { return out_.first(pos_); }

    void write_int8(std::int8_t v);
    void write_int16(std::int16_t v);
    void write_uint16(std::uint16_t v);
    void write_int32(std::int32_t v);
    void write_uint32(std::uint32_t v);
    void write_int64(std::int64_t v);
    void write_float64(double v);
    void write_bool(bool v) { write_int8(v ? 1 : 0); }
    void write_uuid(const Uuid& v);
    void write_uvarint(std::uint32_t v);
    void write_uvarlong(std::uint64_t v);
    void write_varint(std::int32_t v);
    void write_varlong(std::int64_t v);

    void write_string(std::string_view v, bool compact);
    void write_nullable_string(const std::optional<std::string>& v, bool compact);
    void write_bytes(BytesView v, bool compact);
    void write_nullable_bytes(const std::optional<BytesView>& v, bool compact);
    // count = -1 writes a null array.
    void write_array_length(std::int64_t count, bool compact);
    void write_raw(BytesView v);

private:
    std::byte* reserve(std::size_t n);
    template <class T>
    void store_be(T v);

    std::span<std::byte> out_;
    std::size_t pos_ = 0;
    bool overflowed_ = false;
};

}  // namespace kgate::protocol
