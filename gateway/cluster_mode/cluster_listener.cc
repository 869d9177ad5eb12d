#include "gateway/cluster_mode/cluster_listener.h"

#include <spdlog/spdlog.h>

#include "gateway/cluster_mode/cluster_session.h"

namespace kgate::gateway {

awaitable<void> serve_cluster_connection(tcp::socket socket, SessionServices& services, Worker& worker, GatewayMetrics& metrics) {
    static const std::string kListener = "cluster";
    metrics.connection_opened(kListener);
    // Clients are told the port they reached (the listener's own).
    std::uint16_t told_port = 0;
    if (services.config.cluster_listen) told_port = services.config.cluster_listen->port;
    ClusterSession session(std::move(socket), services, told_port);
    const auto it = worker.cluster_sessions.insert(worker.cluster_sessions.end(), &session);
    try {
        co_await session.run();
    } catch (const std::exception& e) {
        spdlog::error("cluster conn: {}", e.what());
    }
    worker.cluster_sessions.erase(it);
    metrics.connection_closed(kListener);
}

}  // namespace kgate::gateway
