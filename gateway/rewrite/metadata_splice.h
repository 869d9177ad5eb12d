#pragma once
// Metadata responses rewritten without a full decode. Only their Brokers array names broker
// addresses, and the rest (thousands of topics and partitions) is most of their size, so the
// rest is only scanned (checked as decode would check it, and its error codes read) and sent
// on as it came, around a re-encoded Brokers array.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gateway/rewrite/address_mapper.h"
#include "gateway/rewrite/response_rewriter.h"
#include "protocol/wire/decode_error.h"

namespace kgate::gateway {

struct SplicedMetadata {
    // Set when the frame does not decode: it must then not reach the client.
    std::optional<protocol::DecodeError> malformed;
    // The first non-zero ErrorCode, as the responses metric counts it.
    std::int16_t first_error_code = 0;
    // Bytes after the end of the body (Kafka ignores them); they travel in `after`.
    std::size_t trailing_bytes = 0;
    // Where the ControllerId field (int32) lies in the frame (v1+), and the lowest node id the
    // Brokers array lists: for a caller that tells clients one controller (gateway/kop/).
    std::optional<std::size_t> controller_id_at;
    std::optional<std::int32_t> lowest_node_id;
    // As rewrite_response() reports it: an error means nothing may be sent, and a response
    // that did not change can be forwarded as it came.
    RewriteOutcome outcome;
    // When it changed, the client gets before + brokers + after: the first and last are
    // views of the upstream frame (header and fields before Brokers; fields after it).
    std::span<const std::byte> before;
    std::vector<std::byte> brokers;
    std::span<const std::byte> after;
};

// `frame` is a whole Metadata response frame (header and body, no size prefix) at
// `api_version`. The result's views point into `frame`.
SplicedMetadata splice_metadata(std::span<const std::byte> frame, std::int16_t api_version, AddressMapper& mapper);

}  // namespace kgate::gateway
