#pragma once
// Between the gateway's own types and the admin API's messages and status codes.
#include <grpcpp/support/status.h>

#include "gateway/control/gateway_control.h"
#include "kgate/admin/v1/admin.pb.h"

namespace kgate::admin {

namespace pb = ::kgate::admin::v1;

void to_proto(const gateway::UpstreamTls& tls, pb::UpstreamTls& out);
void to_proto(const gateway::BrokerRoute& route, pb::Route& out);
void to_proto(const gateway::BrokerInfo& broker, pb::Broker& out);
void to_proto(const gateway::ConnectionInfo& connection, pb::Connection& out);
void to_proto(const gateway::GatewayStatus& status, bool tls, pb::GetStatusResponse& out);
gateway::RouteChange from_proto(const pb::PutRouteRequest& request);

grpc::Status to_status(const gateway::ControlError& error);
// The status code's canonical name (OK, INVALID_ARGUMENT, ...), for the calls metric.
const char* code_name(grpc::StatusCode code);

}  // namespace kgate::admin
