#pragma once
// The lower frame-size cap for connections that have not authenticated, where kgate knows the
// broker requires SASL. Kafka reads every frame before authentication completes with
// sasl.server.max.receive.size (512 KiB by default) and closes the connection on a larger
// one; kgate refuses those frames itself, before holding their bytes.
//
// When a connection is capped (never stricter than the broker):
//   - after its SaslHandshake was answered without error, until a SaslAuthenticate (or, after
//     a v0 handshake, a raw token) is answered without error: the broker is authenticating it;
//   - from its first frame, when its broker address has been seen requiring SASL (a handshake
//     succeeded there on an earlier connection), until it authenticates as above. If the broker
//     answers such a connection's request without any authentication, the address is forgotten
//     and the cap lifted: the broker's listener changed.
// The cap is lifted at the first successful SaslAuthenticate: a mechanism with more rounds
// (SCRAM) is uncapped for its last ones, which are small; the memory budget still holds.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "gateway/budget/sasl_routes.h"

namespace kgate::gateway {

class PreAuthCap {
public:
    // `cap` 0: off. The cap never exceeds `max_frame_size`.
    PreAuthCap(SaslRoutes& routes, std::size_t cap, std::size_t max_frame_size);

    // Once the connection's broker address is known.
    void connected(std::string upstream);
    // The largest frame this connection may send now; the reference stays valid and follows
    // the connection's state (read_frame reads it when a frame's size arrives).
    const std::size_t& frame_limit() const { return limit_; }
    bool capped() const { return limit_ < max_frame_size_; }

    // The broker's answer to a request with `api_key` (`frame`: the response, header included).
    void on_answer(std::int16_t api_key, std::int16_t api_version, std::span<const std::byte> frame);
    // The broker answered a raw SASL token (after a v0 SaslHandshake).
    void on_raw_token_answer();

private:
    enum class State { open, route_requires_sasl, authenticating, authenticated };
    void enter(State state);

    SaslRoutes& routes_;
    const std::size_t cap_;
    const std::size_t max_frame_size_;
    std::string upstream_;
    State state_ = State::open;
    std::size_t limit_;
};

}  // namespace kgate::gateway
