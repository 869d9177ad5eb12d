#pragma once
#include <cstdint>
#include <vector>

#include "protocol/wire/bytes_view.h"

namespace kgate::protocol {

// A tagged field this codec does not know (a newer peer's addition). Kept as raw bytes
// pointing into the frame and written back unchanged on re-encode.
struct RawTaggedField {
    std::uint32_t tag = 0;
    BytesView data;

    friend bool operator==(const RawTaggedField&, const RawTaggedField&) = default;
};

using UnknownTaggedFields = std::vector<RawTaggedField>;

}  // namespace kgate::protocol
