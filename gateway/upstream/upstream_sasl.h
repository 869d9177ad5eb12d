#pragma once
// SASL for kgate's own connections to brokers that require it (KoP with Pulsar token
// authentication, Kafka listeners with SASL_PLAINTEXT): SaslHandshake v1, then
// SaslAuthenticate carrying the mechanism's bytes, before anything but ApiVersions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"
#include "gateway/net/asio.h"
#include "gateway/tls/transport_stream.h"
#include "gateway/rewrite/api_versions_clamp.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

// RFC 4616's initial response: an empty authorization identity, then user and password, each
// after a NUL.
std::vector<std::byte> plain_auth_bytes(const std::string& username, const std::string& password);

// The SaslHandshake and SaslAuthenticate versions to use with a broker that answered
// ApiVersions with `broker`; nullopt (and `error`) when it cannot do SaslHandshake v1, the
// only form in which SaslAuthenticate frames are Kafka requests.
struct SaslVersions {
    std::int16_t handshake = 1;
    std::int16_t authenticate = 0;
};
std::optional<SaslVersions> sasl_versions(const ApiRanges& broker, std::string& error);

// What a broker's answers mean; empty when it accepted, else why not (its own words included).
std::string handshake_problem(const protocol::messages::SaslHandshakeResponse& response, const std::string& mechanism);
std::string authenticate_problem(const protocol::messages::SaslAuthenticateResponse& response);

// Authenticates a connected socket whose ApiVersions answer was `broker`. False (and `error`)
// when the broker refused or the exchange failed; the socket must then be closed.
awaitable<bool> authenticate_upstream(TransportStream& socket, const UpstreamSasl& sasl, const ApiRanges& broker,
                                      std::int32_t& next_correlation_id, std::size_t max_frame_size, std::string& error);

}  // namespace kgate::gateway
