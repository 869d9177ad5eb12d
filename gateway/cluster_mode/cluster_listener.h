#pragma once
// A connection accepted on cluster-listen, served by a ClusterSession on its worker.
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/asio.h"
#include "gateway/server/worker_pool.h"
#include "gateway/session/session_services.h"

namespace kgate::gateway {

// What the accept loop is told about cluster-listen (plaintext for now).
inline ListenerTarget cluster_listener_target() {
    ListenerTarget target;
    target.bootstrap = false;
    target.cluster = true;
    return target;
}

awaitable<void> serve_cluster_connection(tcp::socket socket, SessionServices& services, Worker& worker, GatewayMetrics& metrics);

}  // namespace kgate::gateway
