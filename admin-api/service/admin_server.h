#pragma once
// Serves the admin API: kgate.admin.v1.GatewayAdmin, grpc.health.v1.Health and server
// reflection (v1 and v1alpha), on --admin-listen, in plaintext or TLS. gRPC runs it on its
// own threads. With a token, everything but health needs it.
#include <memory>
#include <stdexcept>

#include <grpcpp/server.h>

#include "admin-api/service/admin_service.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "admin-api/service/reflection_service.h"
#include "gateway/config/gateway_config.h"

namespace kgate::admin {

// The admin port could not be bound (in use, say): kgate serves Kafka without the admin API.
class AdminListenError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class AdminServer {
public:
    // Starts serving. Throws AdminListenError when the port cannot be bound, and
    // std::runtime_error naming the setting for an unreadable token or certificate.
    AdminServer(const gateway::GatewayConfig& config, gateway::GatewayControl& control, gateway::GatewayMetrics& metrics);
    ~AdminServer();
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    // Refuses new calls and lets running ones finish for up to `grace`.
    void shutdown(std::chrono::milliseconds grace);
    int port() const { return port_; }

private:
    using ReflectionV1 = ReflectionService<grpc::reflection::v1::ServerReflection::Service, grpc::reflection::v1::ServerReflectionRequest,
                                           grpc::reflection::v1::ServerReflectionResponse>;
    using ReflectionV1Alpha =
        ReflectionService<grpc::reflection::v1alpha::ServerReflection::Service, grpc::reflection::v1alpha::ServerReflectionRequest,
                          grpc::reflection::v1alpha::ServerReflectionResponse>;

    std::optional<BearerToken> token_;  // the services refer to it
    std::unique_ptr<AdminService> service_;
    std::unique_ptr<ReflectionV1> reflection_;
    std::unique_ptr<ReflectionV1Alpha> reflection_v1alpha_;
    std::unique_ptr<grpc::Server> server_;
    int port_ = 0;
};

}  // namespace kgate::admin
