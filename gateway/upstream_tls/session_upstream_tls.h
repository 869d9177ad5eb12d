#pragma once
// A client session's broker connection over TLS where the broker's route says so: the one call
// the session makes (gateway/session/client_session.cc) after connecting.
#include <string>

#include "gateway/net/asio.h"
#include "gateway/routing/routing_snapshot.h"
#include "gateway/session/session_services.h"
#include "gateway/tls/transport_stream.h"
#include "gateway/upstream/bootstrap_candidates.h"

namespace kgate::gateway {

// Runs TLS on the connected `stream` when `candidate`'s settings ask for it (its route's, or
// upstream-tls for a configured bootstrap server or a broker without a route), counted in the
// metrics. Empty when the connection is ready for Kafka; otherwise why not, for the log (the
// stream must then be closed).
awaitable<std::string> secure_upstream(TransportStream& stream, const RoutingSnapshot& routes, const UpstreamCandidate& candidate,
                                       SessionServices& services);

}  // namespace kgate::gateway
