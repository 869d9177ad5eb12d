#pragma once
// Response frames walked without being decoded: for responses the gateway forwards as
// they are (it only counts their error codes) or patches in one place (it needs to know where
// each field lies). Both refuse exactly what decode_response() refuses, with the same error.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/codec/scan_sink.h"
#include "protocol/wire/result.h"

namespace kgate::protocol {

struct ScannedResponse {
    // The first non-zero ErrorCode in for_each_error_code() order, 0 when there is none.
    std::int16_t first_error_code = 0;
    // As DecodedResponse::body_version: v0 for an ApiVersions answer to a newer request.
    std::int16_t body_version = 0;
    // Where the body starts, after the response header, in frame offsets.
    std::size_t body_offset = 0;
    // Bytes after the end of the body, which Kafka's readers ignore (see frame_codec.h).
    std::size_t trailing_bytes = 0;
};

// The response's first non-zero ErrorCode (0 when none), or why decode_response() would fail.
Result<std::int16_t> scan_response(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                   std::size_t base_offset = 0);

// As scan_response(), also recording where each top-level field of the body lies: `spans`
// needs a slot per field_meta entry of the response message (offsets as `base_offset` sets).
Result<ScannedResponse> scan_response_fields(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame,
                                             std::span<FieldSpan> spans, std::size_t base_offset = 0);

}  // namespace kgate::protocol
