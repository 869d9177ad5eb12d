#pragma once
// One array-of-structs field on its own, encoded as the generated code encodes it inside its
// message: for code that patches a single field of an encoded message (the gateway's Metadata
// Brokers) without decoding or re-encoding the rest.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/wire/reader.h"
#include "protocol/wire/sizes.h"
#include "protocol/wire/writer.h"

namespace kgate::protocol {

// Reads a non-nullable array of T (all of `r`'s input need not be used); fails naming `field`.
template <class T>
bool decode_struct_array(Reader& r, std::int16_t version, bool compact, std::string_view field, std::vector<T>& items) {
    std::int32_t count = 0;
    if (!r.read_array_length(count, compact, false)) return r.fail_in(field);
    items.clear();
    items.reserve(static_cast<std::size_t>(count));  // bounded: read_array_length checked it against the bytes left
    for (std::int32_t i = 0; i < count; ++i) {
        if (!items.emplace_back().decode(r, version)) return r.fail_in_index(field, static_cast<std::size_t>(i));
    }
    return true;
}

// The array's bytes, or nullopt when a value cannot be represented at `version`.
template <class T>
std::optional<std::vector<std::byte>> encode_struct_array(const std::vector<T>& items, std::int16_t version, bool compact) {
    std::size_t size = array_length_size(items.size(), compact);
    for (const auto& item : items) size += item.encoded_size(version);
    std::vector<std::byte> out(size);
    Writer w(out);
    w.write_array_length(static_cast<std::int64_t>(items.size()), compact);
    for (const auto& item : items) item.encode(w, version);
    if (w.overflowed() || w.size() != out.size()) return std::nullopt;
    return out;
}

}  // namespace kgate::protocol
