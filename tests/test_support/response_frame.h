#pragma once
// A whole response frame (header and body, no size prefix) as a broker would send it.
#include <cstdint>
#include <vector>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::test {

template <class Body>
std::vector<std::byte> response_frame(const Body& body, std::int16_t version, std::int32_t correlation_id = 7) {
    protocol::DecodedResponse r;
    r.api_key = Body::api_key;
    r.api_version = version;
    r.body_version = version;
    r.header.correlation_id = correlation_id;
    r.header_version = protocol::response_header_version(*protocol::find_api(Body::api_key), version);
    r.body = body;
    return protocol::encode_response(r).value();
}

}  // namespace kgate::test
