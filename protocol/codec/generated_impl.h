#pragma once
// Helpers the generated message sources share.
#include <algorithm>
#include <cstddef>

#include "protocol/json/json_writer.h"
#include "protocol/wire/sizes.h"
#include "protocol/wire/tagged_field.h"
#include "protocol/wire/writer.h"

namespace kgate::protocol {

// Bound on up-front reservation for decoded arrays: counts come from the wire, so memory is
// only committed as elements actually decode.
inline constexpr std::size_t kMaxArrayReserve = 1024;

inline void write_raw_tagged_field(Writer& w, const RawTaggedField& t) {
    w.write_uvarint(t.tag);
    w.write_uvarint(static_cast<std::uint32_t>(t.data.size()));
    w.write_raw(t.data);
}

inline std::size_t raw_tagged_field_size(const RawTaggedField& t) {
    return uvarint_size(t.tag) + uvarint_size(static_cast<std::uint32_t>(t.data.size())) + t.data.size();
}

void unknown_tags_to_json(JsonWriter& j, const UnknownTaggedFields& tags);

}  // namespace kgate::protocol
