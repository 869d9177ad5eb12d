#pragma once
// Whole frames (header and body, without the 4-byte size prefix) to and from structs.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/codec/api_table.h"
#include "protocol/messages/any_message.h"
#include "protocol/messages/request_header.h"
#include "protocol/messages/response_header.h"
#include "protocol/wire/result.h"

namespace kgate::protocol {

// Bytes after the end of a body that decodes: Kafka's request and response readers stop at
// the body's last field and ignore the rest (librdkafka sends such requests), so the codec keeps
// them too, and encoding writes them back after the body.
using TrailingBytes = std::vector<std::byte>;

struct DecodedRequest {
    messages::RequestHeader header;
    std::int16_t header_version = 1;
    messages::AnyRequest body;
    TrailingBytes trailing;
};

struct DecodedResponse {
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
    // The version the body is encoded in. It differs from api_version only for an
    // ApiVersions response to a version the broker does not know: that body is v0 (KIP-511).
    std::int16_t body_version = 0;
    messages::ResponseHeader header;
    std::int16_t header_version = 0;
    messages::AnyResponse body;
    TrailingBytes trailing;
};

// The fixed start of every request header (v1+): enough to route or reject a request
// without decoding the rest.
struct RequestPrefix {
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
    std::int32_t correlation_id = 0;
};

// `base_offset` is where `frame` starts in the caller's buffer (4 when a size prefix
// precedes it), so error offsets point at the right byte.
Result<RequestPrefix> peek_request_prefix(std::span<const std::byte> frame, std::size_t base_offset = 0);
Result<DecodedRequest> decode_request(std::span<const std::byte> frame, std::size_t base_offset = 0);
Result<DecodedResponse> decode_response(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                        std::size_t base_offset = 0);

// Encoded frames, without the size prefix. nullopt when a value cannot be represented at
// that version (a classic string over 32767 bytes).
std::optional<std::vector<std::byte>> encode_request(const DecodedRequest& request);
std::optional<std::vector<std::byte>> encode_response(const DecodedResponse& response);

// Encodes any generated struct at `version` into a new buffer of exactly its size.
template <class M>
std::optional<std::vector<std::byte>> encode_to_vector(const M& m, std::int16_t version) {
    std::vector<std::byte> out(m.encoded_size(version));
    Writer w(out);
    m.encode(w, version);
    if (w.overflowed() || w.size() != out.size()) return std::nullopt;
    return out;
}

}  // namespace kgate::protocol
