#pragma once
// The gateway's own requests to a broker (ApiVersions, Metadata): one request, one response.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/net/asio.h"
#include "gateway/tls/transport_stream.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

// `body` is taken by reference: GCC 12 destroys by-value coroutine arguments built from
// temporaries twice. Sends `body` as request `version` on a connected socket and decodes the answer. On failure
// returns nullopt with `error` saying what went wrong. The answer's bytes fields view the
// frame it came in: pass `frame` to keep it (and them) alive.
awaitable<std::optional<protocol::DecodedResponse>> call_broker(TransportStream& socket, const protocol::messages::AnyRequest& body,
                                                                std::int16_t version, std::int32_t correlation_id,
                                                                std::size_t max_frame_size, std::string& error,
                                                                std::vector<std::byte>* frame = nullptr);

}  // namespace kgate::gateway
