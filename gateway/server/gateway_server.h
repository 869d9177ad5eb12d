#pragma once
// Owns everything `kgate serve` runs: the control loop (signals, listeners, discovery), the
// worker pool, the routing table and the cluster view; and shuts them down in order.
#include <atomic>
#include <list>
#include <mutex>

#include "gateway/config/gateway_config.h"
#include "gateway/control/gateway_control.h"
#include "gateway/http/http_server.h"
#include "gateway/limits/accept_pause.h"
#include "gateway/limits/connection_limits.h"
#include "gateway/metrics/gateway_metrics.h"
#include "gateway/net/asio.h"
#include "gateway/routing/routing_table.h"
#include "gateway/plaintext_listeners/plaintext_ports.h"
#include "gateway/server/worker_pool.h"
#include "gateway/session/session_services.h"
#include "gateway/sni/sni_router.h"
#include "gateway/tls/server_tls_context.h"
#include "gateway/upstream/cluster_discovery.h"

namespace kgate::gateway {

class GatewayServer : public ListenerOpener, public GatewayControl {
public:
    explicit GatewayServer(GatewayConfig config);

    // Loads the persisted routes; throws RouteStoreError when the state file is corrupt.
    // run() calls it when it was not called before.
    void restore_state();
    // Runs until SIGINT/SIGTERM; returns the process exit status. Throws on start-up errors.
    int run();

    GatewayMetrics& metrics() { return metrics_; }
    const GatewayConfig& config() const { return config_; }

    // ListenerOpener
    bool open_broker_listener(std::uint16_t port, std::int32_t node_id, std::string& error) override;
    void close_broker_listener(std::uint16_t port) override;

    // GatewayControl (gateway_server_control.cc)
    std::vector<BrokerRoute> routes() const override;
    ControlResult<BrokerRoute> route(std::int32_t node_id) const override;
    ControlResult<BrokerRoute> put_route(std::int32_t node_id, const RouteChange& change) override;
    ControlResult<BrokerRoute> delete_route(std::int32_t node_id) override;
    ControlResult<std::vector<BrokerInfo>> brokers() override;
    ControlResult<std::vector<ConnectionInfo>> connections() override;
    ControlResult<ConnectionInfo> close_connection(std::uint64_t id, bool graceful) override;
    ControlResult<DrainOutcome> drain_broker(std::int32_t node_id, std::chrono::milliseconds timeout) override;
    ControlResult<BrokerRoute> resume_broker(std::int32_t node_id) override;
    GatewayStatus status() const override;
    ControlResult<CertificateSummary> reload_certificates() override;

private:
    struct Listener {
        tcp::acceptor acceptor;
        std::uint16_t port = 0;
        bool closed = false;  // close_broker_listener was called for it
    };
    // Drains the sessions forwarding to `node_id` when its upstream address moved.
    void drain_moved_upstream(const BrokerRoute& before, const ControlResult<BrokerRoute>& after);
    // How many sessions forward to, or came in for, `node_id`; nullopt when workers are late.
    std::optional<std::uint32_t> sessions_of(std::int32_t node_id);

    bool open_listener(std::uint16_t port, ListenerTarget target, std::string& error);  // on listen's host
    bool open_listener_at(const HostPort& where, ListenerTarget target, std::string& error);
    // A broker's plaintext listener beside its TLS one at `tls_port`, when plaintext-listen is set.
    bool open_plaintext_twin(std::uint16_t tls_port, std::int32_t node_id, std::string& error);
    // Whether the bootstrap and broker listeners serve TLS (tls-listeners).
    bool main_listeners_tls() const;
    awaitable<void> accept_loop(tcp::acceptor& acceptor, ListenerTarget target);
    // Opens the bootstrap and broker listeners, once; false when start-up failed.
    bool open_listeners();
    // At start-up: serves the routes known from the configuration and the state directory.
    void open_before_discovery();
    // Discovery's first success: the listeners open, if they were not already.
    void on_ready();
    HttpContext http_context();
    void begin_shutdown(int signal_number);
    awaitable<void> finish_shutdown();

    GatewayConfig config_;
    // Before the workers, so it outlives connections a stopped worker destroys unfinished.
    ConnectionLimits limits_{config_.max_connections, config_.max_connections_per_address};
    // Workers are declared first so they are destroyed last: the control loop's pending
    // accepts hold sockets that belong to worker contexts.
    WorkerPool workers_;
    asio::io_context control_{1};
    RoutingTable routing_;
    Published<ClusterView> cluster_{std::make_shared<const ClusterView>()};
    // Client-facing TLS (null when off): the certificate new handshakes use; a reload swaps it.
    Published<ServerTlsContext> tls_;
    // The SNI listener's names and port (null when off); its sessions hold a pointer to it.
    std::shared_ptr<const SniRouter> sni_;
    // The plaintext listeners beside TLS ones (nullopt when off); their sessions hold a pointer to it.
    const std::optional<PlaintextPorts> plaintext_;
    SessionServices services_;
    ClusterDiscovery discovery_;
    asio::cancellation_signal stop_discovery_;
    GatewayMetrics metrics_;
    // After control_, so it is destroyed first: its acceptor belongs to the control loop.
    HttpServer http_{control_, [this] { return http_context(); }};
    AcceptPause accept_pause_{control_, metrics_};
    std::atomic<bool> listening_{false};  // on_ready() opened the listeners

    std::mutex listeners_mutex_;
    std::list<Listener> listeners_;  // stable addresses for the accept loops; closed ones stay
    bool restored_ = false;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::atomic<bool> stopping_{false};
    int exit_status_ = 0;  // non-zero when start-up failed after run() began
};

}  // namespace kgate::gateway
