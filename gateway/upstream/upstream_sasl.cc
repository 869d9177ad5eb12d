#include "gateway/upstream/upstream_sasl.h"

#include <algorithm>
#include <span>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gateway/upstream/broker_call.h"
#include "gateway/upstream/scram_client.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kUnsupportedSaslMechanism = 33;

std::span<const std::byte> as_bytes(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }
std::string_view as_text(protocol::BytesView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// One SaslAuthenticate round trip; the broker's answer, or nullopt (and `error`, its own words
// when it refused). `frame` keeps the answer's bytes alive.
awaitable<std::optional<msg::SaslAuthenticateResponse>> sasl_step(TransportStream& socket, std::span<const std::byte> bytes,
                                                                  std::int16_t version, std::int32_t& next_correlation_id,
                                                                  std::size_t max_frame_size, std::string& error,
                                                                  std::vector<std::byte>& frame) {
    msg::SaslAuthenticateRequest authenticate;
    authenticate.auth_bytes = protocol::BytesView(bytes);
    const msg::AnyRequest request = authenticate;
    auto answer = co_await call_broker(socket, request, version, next_correlation_id++, max_frame_size, error, &frame);
    if (!answer) co_return std::nullopt;
    auto response = std::get<msg::SaslAuthenticateResponse>(std::move(answer->body));
    error = authenticate_problem(response);
    if (!error.empty()) co_return std::nullopt;
    co_return response;
}

}  // namespace

std::vector<std::byte> plain_auth_bytes(const std::string& username, const std::string& password) {
    std::vector<std::byte> out;
    out.reserve(username.size() + password.size() + 2);
    out.push_back(std::byte{0});
    for (char c : username) out.push_back(static_cast<std::byte>(c));
    out.push_back(std::byte{0});
    for (char c : password) out.push_back(static_cast<std::byte>(c));
    return out;
}

std::optional<SaslVersions> sasl_versions(const ApiRanges& broker, std::string& error) {
    const auto handshake = broker.find(msg::SaslHandshakeRequest::api_key);
    if (handshake == broker.end() || handshake->second.max < 1) {
        error = "the broker does not offer SaslHandshake v1";
        return std::nullopt;
    }
    const auto authenticate = broker.find(msg::SaslAuthenticateRequest::api_key);
    if (authenticate == broker.end()) {
        error = "the broker does not offer SaslAuthenticate";
        return std::nullopt;
    }
    SaslVersions v;
    v.authenticate = std::min<std::int16_t>(authenticate->second.max, msg::SaslAuthenticateRequest::highest_version);
    if (v.authenticate < authenticate->second.min) {
        error = fmt::format("the broker's SaslAuthenticate versions {}-{} are all newer than kgate's", authenticate->second.min,
                            authenticate->second.max);
        return std::nullopt;
    }
    return v;
}

std::string handshake_problem(const msg::SaslHandshakeResponse& response, const std::string& mechanism) {
    if (response.error_code == 0) return {};
    if (response.error_code == kUnsupportedSaslMechanism) {
        return fmt::format("the broker does not enable SASL mechanism {} (it offers: {})", mechanism,
                           response.mechanisms.empty() ? std::string("none") : fmt::format("{}", fmt::join(response.mechanisms, ", ")));
    }
    return fmt::format("SaslHandshake answered error {}", response.error_code);
}

std::string authenticate_problem(const msg::SaslAuthenticateResponse& response) {
    if (response.error_code == 0) return {};
    const std::string said = response.error_message.value_or("");
    return fmt::format("the broker refused the credentials (error {}{}{})", response.error_code, said.empty() ? "" : ": ", said);
}

awaitable<bool> authenticate_upstream(TransportStream& socket, const UpstreamSasl& sasl, const ApiRanges& broker,
                                      std::int32_t& next_correlation_id, std::size_t max_frame_size, std::string& error) {
    const auto versions = sasl_versions(broker, error);
    if (!versions) co_return false;

    msg::SaslHandshakeRequest handshake;
    handshake.mechanism = sasl.mechanism;
    const msg::AnyRequest handshake_request = handshake;
    auto answer = co_await call_broker(socket, handshake_request, versions->handshake, next_correlation_id++, max_frame_size, error);
    if (!answer) co_return false;
    error = handshake_problem(std::get<msg::SaslHandshakeResponse>(answer->body), sasl.mechanism);
    if (!error.empty()) co_return false;

    // PLAIN's single message, or SCRAM's two with the broker's answers between them. The bytes
    // hold the password or a proof of it: they live only for this call.
    std::vector<std::byte> frame;  // the broker's last answer, which `auth_bytes` views
    const auto scram = scram_hash(sasl.mechanism);
    if (!scram) {
        const auto token = plain_auth_bytes(sasl.username, sasl.password);
        co_return (co_await sasl_step(socket, token, versions->authenticate, next_correlation_id, max_frame_size, error, frame))
            .has_value();
    }
    ScramClient client(*scram, sasl.username, sasl.password, scram_nonce());
    const std::string first_message = client.client_first();
    const auto first = co_await sasl_step(socket, as_bytes(first_message), versions->authenticate, next_correlation_id,
                                          max_frame_size, error, frame);
    if (!first) co_return false;
    const auto final_message = client.client_final(as_text(first->auth_bytes), error);
    if (!final_message) co_return false;
    const auto last = co_await sasl_step(socket, as_bytes(*final_message), versions->authenticate, next_correlation_id,
                                         max_frame_size, error, frame);
    if (!last) co_return false;
    co_return client.server_final_ok(as_text(last->auth_bytes), error);
}

}  // namespace kgate::gateway
