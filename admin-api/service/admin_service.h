#pragma once
// kgate.admin.v1.GatewayAdmin: each call checks the bearer token (when one is configured),
// does its work through GatewayControl, and is counted by method and status.
#include <optional>

#include "admin-api/service/bearer_token.h"
#include "gateway/control/gateway_control.h"
#include "gateway/metrics/gateway_metrics.h"
#include "kgate/admin/v1/admin.grpc.pb.h"

namespace kgate::admin {

class AdminService final : public v1::GatewayAdmin::Service {
public:
    // `token` (none: no token needed) must outlive the service.
    AdminService(gateway::GatewayControl& control, gateway::GatewayMetrics& metrics, const std::optional<BearerToken>& token, bool tls);

    grpc::Status ListRoutes(grpc::ServerContext*, const v1::ListRoutesRequest*, v1::ListRoutesResponse*) override;
    grpc::Status GetRoute(grpc::ServerContext*, const v1::GetRouteRequest*, v1::Route*) override;
    grpc::Status PutRoute(grpc::ServerContext*, const v1::PutRouteRequest*, v1::Route*) override;
    grpc::Status DeleteRoute(grpc::ServerContext*, const v1::DeleteRouteRequest*, v1::Route*) override;
    grpc::Status ListBrokers(grpc::ServerContext*, const v1::ListBrokersRequest*, v1::ListBrokersResponse*) override;
    grpc::Status ListConnections(grpc::ServerContext*, const v1::ListConnectionsRequest*, v1::ListConnectionsResponse*) override;
    grpc::Status CloseConnection(grpc::ServerContext*, const v1::CloseConnectionRequest*, v1::Connection*) override;
    grpc::Status DrainBroker(grpc::ServerContext*, const v1::DrainBrokerRequest*, v1::DrainBrokerResponse*) override;
    grpc::Status ResumeBroker(grpc::ServerContext*, const v1::ResumeBrokerRequest*, v1::Route*) override;
    grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*, v1::GetStatusResponse*) override;
    grpc::Status ReloadCertificates(grpc::ServerContext*, const v1::ReloadCertificatesRequest*, v1::ReloadCertificatesResponse*) override;

private:
    template <class Work>
    grpc::Status call(grpc::ServerContext* context, const char* method, Work&& work);

    gateway::GatewayControl& control_;
    gateway::GatewayMetrics& metrics_;
    const std::optional<BearerToken>& token_;
    bool tls_;
};

}  // namespace kgate::admin
