#pragma once
// A whole request frame (header and body, no size prefix) as a client would send it.
#include <cstdint>
#include <vector>

#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::test {

template <class Body>
std::vector<std::byte> request_frame(const Body& body, std::int16_t version, std::int32_t correlation_id = 7) {
    protocol::DecodedRequest r;
    r.header.request_api_key = Body::api_key;
    r.header.request_api_version = version;
    r.header.correlation_id = correlation_id;
    r.header.client_id = "test-client";
    r.header_version = protocol::request_header_version(*protocol::find_api(Body::api_key), version);
    r.body = body;
    return protocol::encode_request(r).value();
}

}  // namespace kgate::test
