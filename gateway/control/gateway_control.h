#pragma once
// What an operator can read and change in a running gateway. The admin API (admin-api/) is
// one front end for it; the gateway server implements it. Calls come from the admin API's
// threads: implementations reach sessions on their own worker threads.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/gateway_config.h"
#include "gateway/control/broker_state.h"
#include "gateway/control/connection_info.h"
#include "gateway/control/control_result.h"
#include "gateway/routing/broker_route.h"
#include "gateway/tls/certificate_summary.h"

namespace kgate::gateway {

struct BrokerInfo {
    BrokerRoute route;
    BrokerState state = BrokerState::absent;
    std::uint32_t client_connections = 0;    // on this broker's gateway listener
    std::uint32_t upstream_connections = 0;  // gateway connections to this broker
};

struct DrainOutcome {
    std::uint32_t drained = 0;            // closed after answering what they had in flight
    std::uint32_t closed_at_timeout = 0;  // still busy at the timeout, closed then
    double seconds = 0;
};

struct GatewayStatus {
    std::string version;
    std::string kafka_spec_version;
    double uptime_seconds = 0;
    bool ready = false;
    bool stopping = false;
    std::size_t routes = 0;
    std::size_t client_connections = 0;
    const GatewayConfig* config = nullptr;  // outlives every call
    std::optional<CertificateSummary> client_tls;  // what new TLS handshakes get; none when TLS is off
};

class GatewayControl {
public:
    virtual ~GatewayControl() = default;

    virtual std::vector<BrokerRoute> routes() const = 0;
    virtual ControlResult<BrokerRoute> route(std::int32_t node_id) const = 0;
    // Validated, saved, published; connections to a changed upstream drain.
    virtual ControlResult<BrokerRoute> put_route(std::int32_t node_id, const RouteChange& change) = 0;
    // Drops the admin overrides of a route.
    virtual ControlResult<BrokerRoute> delete_route(std::int32_t node_id) = 0;
    virtual ControlResult<std::vector<BrokerInfo>> brokers() = 0;
    virtual ControlResult<std::vector<ConnectionInfo>> connections() = 0;
    // `graceful`: answer what is in flight first, as a drain does.
    virtual ControlResult<ConnectionInfo> close_connection(std::uint64_t id, bool graceful) = 0;
    // No new connections to the broker; open ones close once their in-flight requests are
    // answered, or at `timeout`. Blocks until then.
    virtual ControlResult<DrainOutcome> drain_broker(std::int32_t node_id, std::chrono::milliseconds timeout) = 0;
    virtual ControlResult<BrokerRoute> resume_broker(std::int32_t node_id) = 0;
    virtual GatewayStatus status() const = 0;
    // Reads the client-facing TLS files again; new handshakes use them, open connections keep
    // theirs. On failure the previous certificate keeps serving and the error says why.
    virtual ControlResult<CertificateSummary> reload_certificates() = 0;
};

}  // namespace kgate::gateway
