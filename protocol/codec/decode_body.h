#pragma once
// Decoding a message body as one concrete type, for the generated dispatch. It stops after the
// body's last field: whatever follows is left in the reader.
#include <fmt/format.h>

#include "protocol/wire/reader.h"
#include "protocol/wire/result.h"

namespace kgate::protocol {

template <class M, class Any>
Result<Any> decode_body_as(std::int16_t version, Reader& r) {
    if (version < M::lowest_version || version > M::highest_version) {
        r.fail(fmt::format("{} has no version {} (the codec knows {} to {})", M::message_name, version, M::lowest_version,
                           M::highest_version));
        return r.take_error();
    }
    Any any(std::in_place_type<M>);
    M& m = std::get<M>(any);
    if (!m.decode(r, version)) {
        r.fail_in(M::message_name);
        return r.take_error();
    }
    return any;  // bytes after the body are the frame's business (frame_codec.h)
}

inline DecodeError unknown_api_key(std::int16_t api_key, Reader& r) {
    r.fail(fmt::format("unknown API key {}", api_key));
    return r.take_error();
}

}  // namespace kgate::protocol
