// The few header fields the capture needs to name and pair frames.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace kgate::capture {

struct RequestHeader {
  std::int16_t api_key = 0;
  std::int16_t api_version = 0;
  std::int32_t correlation_id = 0;
  std::string client_id;  // empty when null or absent
};

// frame includes its 4-byte size prefix. Empty if the frame is too short to
// hold a request header or carries a negative key or version.
[[nodiscard]] std::optional<RequestHeader> parse_request_header(std::span<const std::byte> frame);

// Every response header version starts with the correlation id.
[[nodiscard]] std::optional<std::int32_t> parse_response_correlation_id(
    std::span<const std::byte> frame);

}  // namespace kgate::capture
