#pragma once
// Serves the admin API: kgate.admin.v1.GatewayAdmin, grpc.health.v1.Health and server
// reflection, on --admin-listen, in plaintext or TLS. gRPC runs it on its own threads.
#include <memory>

#include <grpcpp/server.h>

#include "admin-api/service/admin_service.h"
#include "gateway/config/gateway_config.h"

namespace kgate::admin {

class AdminServer {
public:
    // Starts serving; throws std::runtime_error naming the setting when it cannot (a port in
    // use, an unreadable token or certificate).
    AdminServer(const gateway::GatewayConfig& config, gateway::GatewayControl& control, gateway::GatewayMetrics& metrics);
    ~AdminServer();
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    // Refuses new calls and lets running ones finish for up to `grace`.
    void shutdown(std::chrono::milliseconds grace);
    int port() const { return port_; }

private:
    std::unique_ptr<AdminService> service_;
    std::unique_ptr<grpc::Server> server_;
    int port_ = 0;
};

}  // namespace kgate::admin
