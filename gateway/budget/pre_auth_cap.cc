#include "gateway/budget/pre_auth_cap.h"

#include <algorithm>

#include "protocol/codec/frame_scan.h"
#include "protocol/messages/sasl_authenticate_response.h"
#include "protocol/messages/sasl_handshake_response.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

bool answered_without_error(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame) {
    const auto code = protocol::scan_response(api_key, api_version, frame);
    return code && *code == 0;
}

}  // namespace

PreAuthCap::PreAuthCap(SaslRoutes& routes, std::size_t cap, std::size_t max_frame_size)
    : routes_(routes), cap_(cap == 0 ? max_frame_size : std::min(cap, max_frame_size)), max_frame_size_(max_frame_size), limit_(max_frame_size) {}

void PreAuthCap::enter(State state) {
    state_ = state;
    const bool unauthenticated = state == State::route_requires_sasl || state == State::authenticating;
    limit_ = unauthenticated ? cap_ : max_frame_size_;
}

void PreAuthCap::connected(std::string upstream) {
    upstream_ = std::move(upstream);
    if (routes_.requires_sasl(upstream_)) enter(State::route_requires_sasl);
}

void PreAuthCap::on_answer(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame) {
    if (state_ == State::authenticated) return;
    if (api_key == msg::SaslHandshakeResponse::api_key) {
        if (answered_without_error(api_key, api_version, frame)) {
            if (state_ == State::open) routes_.saw_sasl(upstream_);
            enter(State::authenticating);
        }
        return;
    }
    if (api_key == msg::SaslAuthenticateResponse::api_key) {
        if (state_ == State::authenticating && answered_without_error(api_key, api_version, frame)) enter(State::authenticated);
        return;
    }
    if (state_ == State::route_requires_sasl) {
        // Answered with no authentication at all: this listener does not require SASL now.
        routes_.saw_no_sasl(upstream_);
        enter(State::open);
    } else if (state_ == State::authenticating) {
        enter(State::authenticated);  // the broker serves it: authentication is over
    }
}

void PreAuthCap::on_raw_token_answer() {
    if (state_ == State::authenticating) enter(State::authenticated);
}

}  // namespace kgate::gateway
