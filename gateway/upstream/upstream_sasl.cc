#include "gateway/upstream/upstream_sasl.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gateway/upstream/broker_call.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kUnsupportedSaslMechanism = 33;

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

awaitable<bool> authenticate_upstream(tcp::socket& socket, const UpstreamSasl& sasl, const ApiRanges& broker,
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

    // The bytes hold the password: they live only for this call.
    const auto token = plain_auth_bytes(sasl.username, sasl.password);
    msg::SaslAuthenticateRequest authenticate;
    authenticate.auth_bytes = protocol::BytesView(std::span<const std::byte>(token));
    const msg::AnyRequest authenticate_request = authenticate;
    answer = co_await call_broker(socket, authenticate_request, versions->authenticate, next_correlation_id++, max_frame_size, error);
    if (!answer) co_return false;
    error = authenticate_problem(std::get<msg::SaslAuthenticateResponse>(answer->body));
    co_return error.empty();
}

}  // namespace kgate::gateway
