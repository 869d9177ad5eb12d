#include "kafka_header.h"

#include "frame_splitter.h"

namespace kgate::capture {
namespace {

constexpr std::size_t kSizePrefix = 4;
// api_key + api_version + correlation_id; request header v0 ends there.
constexpr std::size_t kRequestFixedPart = 2 + 2 + 4;

}  // namespace

std::optional<RequestHeader> parse_request_header(std::span<const std::byte> frame) {
  if (frame.size() < kSizePrefix + kRequestFixedPart) return std::nullopt;
  RequestHeader header;
  header.api_key = read_be16(frame, 4);
  header.api_version = read_be16(frame, 6);
  header.correlation_id = read_be32(frame, 8);
  if (header.api_key < 0 || header.api_version < 0) return std::nullopt;

  // Header v1 and v2 continue with client_id as an int16-length nullable
  // string (never compact, even in flexible versions). librdkafka always
  // sends it; tolerate its absence for v0 headers.
  constexpr std::size_t client_id_at = kSizePrefix + kRequestFixedPart;
  if (frame.size() >= client_id_at + 2) {
    const std::int16_t len = read_be16(frame, client_id_at);
    if (len > 0 && frame.size() >= client_id_at + 2 + static_cast<std::size_t>(len)) {
      const auto text = frame.subspan(client_id_at + 2, static_cast<std::size_t>(len));
      header.client_id.assign(reinterpret_cast<const char*>(text.data()), text.size());
    }
  }
  return header;
}

std::optional<std::int32_t> parse_response_correlation_id(std::span<const std::byte> frame) {
  if (frame.size() < kSizePrefix + 4) return std::nullopt;
  return read_be32(frame, kSizePrefix);
}

}  // namespace kgate::capture
