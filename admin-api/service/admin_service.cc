#include "admin-api/service/admin_service.h"

#include <fmt/format.h>

#include "admin-api/service/proto_mapping.h"

namespace kgate::admin {
namespace {

constexpr std::uint32_t kDefaultDrainMs = 30000;
constexpr std::uint32_t kMaxDrainMs = 600000;

// A route-returning result into the reply, or its error into the status.
grpc::Status reply(const gateway::ControlResult<gateway::BrokerRoute>& result, v1::Route* out) {
    if (!result) return to_status(result.error());
    to_proto(*result, *out);
    return grpc::Status::OK;
}

}  // namespace

AdminService::AdminService(gateway::GatewayControl& control, gateway::GatewayMetrics& metrics, const std::optional<BearerToken>& token,
                           bool tls)
    : control_(control), metrics_(metrics), token_(token), tls_(tls) {}

template <class Work>
grpc::Status AdminService::call(grpc::ServerContext* context, const char* method, Work&& work) {
    grpc::Status status = token_ ? token_->check(*context) : grpc::Status::OK;
    if (status.ok()) status = work();
    metrics_.on_admin_call(method, code_name(status.error_code()));
    return status;
}

grpc::Status AdminService::ListRoutes(grpc::ServerContext* context, const v1::ListRoutesRequest*, v1::ListRoutesResponse* out) {
    return call(context, "ListRoutes", [&] {
        for (const auto& r : control_.routes()) to_proto(r, *out->add_routes());
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::GetRoute(grpc::ServerContext* context, const v1::GetRouteRequest* in, v1::Route* out) {
    return call(context, "GetRoute", [&] { return reply(control_.route(in->node_id()), out); });
}

grpc::Status AdminService::PutRoute(grpc::ServerContext* context, const v1::PutRouteRequest* in, v1::Route* out) {
    return call(context, "PutRoute", [&] {
        const auto change = from_proto(*in);
        if (!change.upstream_host && !change.upstream_port && !change.advertised_host && !change.advertised_port && !change.listen_port &&
            !change.tls && !change.reset_tls) {
            return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                "PutRoute: set at least one of upstream_host, upstream_port, advertised_host, advertised_port, listen_port, "
                                "tls, reset_tls");
        }
        return reply(control_.put_route(in->node_id(), change), out);
    });
}

grpc::Status AdminService::DeleteRoute(grpc::ServerContext* context, const v1::DeleteRouteRequest* in, v1::Route* out) {
    return call(context, "DeleteRoute", [&] { return reply(control_.delete_route(in->node_id()), out); });
}

grpc::Status AdminService::ListBrokers(grpc::ServerContext* context, const v1::ListBrokersRequest*, v1::ListBrokersResponse* out) {
    return call(context, "ListBrokers", [&] {
        const auto brokers = control_.brokers();
        if (!brokers) return to_status(brokers.error());
        for (const auto& b : *brokers) to_proto(b, *out->add_brokers());
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::ListConnections(grpc::ServerContext* context, const v1::ListConnectionsRequest* in,
                                           v1::ListConnectionsResponse* out) {
    return call(context, "ListConnections", [&] {
        const auto connections = control_.connections();
        if (!connections) return to_status(connections.error());
        for (const auto& c : *connections) {
            const bool wanted = !in->has_node_id() || c.upstream_node == in->node_id() || (!c.bootstrap && c.listener_node == in->node_id());
            if (wanted) to_proto(c, *out->add_connections());
        }
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::CloseConnection(grpc::ServerContext* context, const v1::CloseConnectionRequest* in, v1::Connection* out) {
    return call(context, "CloseConnection", [&] {
        const auto closed = control_.close_connection(in->id(), in->graceful());
        if (!closed) return to_status(closed.error());
        to_proto(*closed, *out);
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::DrainBroker(grpc::ServerContext* context, const v1::DrainBrokerRequest* in, v1::DrainBrokerResponse* out) {
    return call(context, "DrainBroker", [&] {
        if (in->timeout_ms() > kMaxDrainMs) {
            return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, fmt::format("timeout_ms: {} is more than {}", in->timeout_ms(), kMaxDrainMs));
        }
        const auto timeout = std::chrono::milliseconds(in->timeout_ms() == 0 ? kDefaultDrainMs : in->timeout_ms());
        const auto outcome = control_.drain_broker(in->node_id(), timeout);
        if (!outcome) return to_status(outcome.error());
        out->set_drained(outcome->drained);
        out->set_closed_at_timeout(outcome->closed_at_timeout);
        out->set_seconds(outcome->seconds);
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::ResumeBroker(grpc::ServerContext* context, const v1::ResumeBrokerRequest* in, v1::Route* out) {
    return call(context, "ResumeBroker", [&] { return reply(control_.resume_broker(in->node_id()), out); });
}

grpc::Status AdminService::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest*, v1::GetStatusResponse* out) {
    return call(context, "GetStatus", [&] {
        to_proto(control_.status(), tls_, *out);
        return grpc::Status::OK;
    });
}

grpc::Status AdminService::ReloadCertificates(grpc::ServerContext* context, const v1::ReloadCertificatesRequest*,
                                              v1::ReloadCertificatesResponse* out) {
    return call(context, "ReloadCertificates", [&] {
        const auto reloaded = control_.reload_certificates();
        if (!reloaded) return to_status(reloaded.error());
        out->set_subject(reloaded->subject);
        out->set_serial(reloaded->serial);
        out->set_not_after(reloaded->not_after);
        out->set_not_after_unix_seconds(std::chrono::duration_cast<std::chrono::seconds>(reloaded->expires.time_since_epoch()).count());
        return grpc::Status::OK;
    });
}

}  // namespace kgate::admin
