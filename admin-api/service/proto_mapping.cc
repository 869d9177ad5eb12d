#include "admin-api/service/proto_mapping.h"

#include <chrono>
#include <string>

#include <fmt/format.h>

#include "gateway/plaintext_listeners/plaintext_ports.h"

namespace kgate::admin {

void to_proto(const gateway::UpstreamTls& t, pb::UpstreamTls& out) {
    out.set_enabled(t.enabled);
    if (!t.enabled) return;
    out.set_ca_file(t.ca_file);
    out.set_server_name(t.server_name);
    out.set_certificate_file(t.certificate_file);
    out.set_key_file(t.key_file);
    out.set_insecure_skip_verify(!t.verify);
}

void to_proto(const gateway::BrokerRoute& r, pb::Route& out) {
    out.set_node_id(r.node_id);
    if (r.upstream_override) {
        out.set_upstream_host(r.upstream_override->host);
        out.set_upstream_port(r.upstream_override->port);
    }
    out.set_advertised_host(r.client_advertised.host);
    out.set_advertised_port(r.client_advertised.port);
    out.set_listen_port(r.listen_port);
    out.set_broker_host(r.broker_advertised.host);
    out.set_broker_port(r.broker_advertised.port);
    out.set_effective_upstream(r.upstream().to_string());
    out.set_draining(r.draining);
    if (r.admin.upstream) out.add_admin_fields("upstream");
    if (r.admin.advertised_host) out.add_admin_fields("advertised_host");
    if (r.admin.advertised_port) out.add_admin_fields("advertised_port");
    if (r.admin.tls) out.add_admin_fields("tls");
    auto& tls = *out.mutable_tls();
    to_proto(r.tls, tls);
    tls.set_source(r.tls_source == gateway::BrokerRoute::TlsSource::admin           ? "admin"
                   : r.tls_source == gateway::BrokerRoute::TlsSource::configuration ? "configuration"
                                                                                    : "default");
    if (r.tls.enabled) tls.set_server_name(gateway::verified_name(r.tls, r.broker_advertised.host, r.upstream().host));  // the name in effect
}

void to_proto(const gateway::BrokerInfo& b, pb::Broker& out) {
    out.set_node_id(b.route.node_id);
    // Empty for a configured route no Metadata has named yet.
    if (b.route.broker_advertised.port != 0) out.set_advertised_address(b.route.broker_advertised.to_string());
    out.set_effective_address(b.route.upstream().to_string());
    out.set_listener(b.route.client_advertised.to_string());
    out.set_listen_port(b.route.listen_port);
    switch (b.state) {
        case gateway::BrokerState::serving: out.set_state(pb::Broker::STATE_SERVING); break;
        case gateway::BrokerState::draining: out.set_state(pb::Broker::STATE_DRAINING); break;
        case gateway::BrokerState::absent: out.set_state(pb::Broker::STATE_ABSENT); break;
    }
    out.set_client_connections(b.client_connections);
    out.set_upstream_connections(b.upstream_connections);
}

void to_proto(const gateway::ConnectionInfo& c, pb::Connection& out) {
    out.set_id(c.id);
    out.set_client_address(c.client);
    out.set_listener(c.bootstrap ? std::string("bootstrap") : fmt::format("broker {}", c.listener_node));
    out.set_listener_port(c.listener_port);
    out.set_upstream_address(c.upstream);
    out.set_upstream_node_id(c.upstream_node);
    out.set_bytes_from_client(c.bytes_from_client);
    out.set_bytes_to_client(c.bytes_to_client);
    out.set_requests(c.requests);
    out.set_age_seconds(c.age_seconds);
    out.set_draining(c.draining);
}

namespace {

void set_sni_status(const gateway::SniSettings& sni, pb::SniListenerStatus& out) {
    out.set_enabled(sni.enabled());
    if (!sni.enabled()) return;
    out.set_listen(sni.listen->to_string());
    out.set_advertised_port(sni.told_port());
    out.set_bootstrap_name(sni.bootstrap_name);
    out.set_broker_pattern(sni.broker_pattern);
    out.set_tls_listeners(sni.tls_listeners == gateway::TlsListeners::sni_only ? "sni-only" : "all");
}

}  // namespace

void to_proto(const gateway::GatewayStatus& s, bool tls, pb::GetStatusResponse& out) {
    out.set_version(s.version);
    out.set_uptime_seconds(s.uptime_seconds);
    out.set_kafka_spec_version(s.kafka_spec_version);
    out.set_ready(s.ready);
    out.set_stopping(s.stopping);
    out.set_routes(static_cast<std::uint32_t>(s.routes));
    out.set_client_connections(static_cast<std::uint32_t>(s.client_connections));
    const auto& c = *s.config;
    auto& summary = *out.mutable_config();
    for (const auto& u : c.upstream) summary.add_upstream(u.to_string());
    summary.set_listen(c.listen.to_string());
    summary.set_broker_ports(fmt::format("{}-{}", c.first_broker_port(), c.last_broker_port()));
    summary.set_advertised_host(c.client_host());
    summary.set_state_dir(c.state_dir);
    summary.set_workers(static_cast<std::uint32_t>(c.workers));
    summary.set_http_listen(c.http_listen ? c.http_listen->to_string() : "off");
    summary.set_admin_listen(c.admin_listen ? c.admin_listen->to_string() : "off");
    summary.set_admin_token_required(!c.admin_token_file.empty());
    summary.set_admin_tls(tls);
    summary.set_max_frame_size(c.max_frame_size);
    summary.set_overrides(static_cast<std::uint32_t>(c.overrides.size()));
    summary.set_request_memory_budget(c.request_memory_budget);
    summary.set_response_memory_budget(c.response_memory_budget);
    summary.set_pre_auth_max_frame_size(c.pre_auth_max_frame_size);
    summary.set_max_connections(static_cast<std::uint32_t>(c.max_connections));
    summary.set_max_connections_per_address(static_cast<std::uint32_t>(c.max_connections_per_address));
    summary.set_connections_max_idle_ms(static_cast<std::uint64_t>(c.idle_timeout.count()));
    summary.set_frame_grace_ms(static_cast<std::uint64_t>(c.frame_grace.count()));
    summary.set_frame_min_bytes_per_second(c.frame_min_rate);
    summary.set_upstream_request_timeout_ms(static_cast<std::uint64_t>(c.upstream_request_timeout.count()));
    summary.set_upstream_timeout_margin_ms(static_cast<std::uint64_t>(c.upstream_timeout_margin.count()));
    to_proto(s.config->upstream_tls, *out.mutable_upstream_tls());
    out.mutable_upstream_tls()->set_source("default");
    auto& tls_status = *out.mutable_client_tls();
    tls_status.set_enabled(s.client_tls.has_value());
    if (s.client_tls) {
        const auto seconds = [](std::chrono::system_clock::time_point t) {
            return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
        };
        tls_status.set_client_auth(std::string(gateway::client_auth_name(c.tls.client_auth)));
        tls_status.set_certificate_file(s.client_tls->certificate_file);
        tls_status.set_subject(s.client_tls->subject);
        tls_status.set_serial(s.client_tls->serial);
        tls_status.set_not_after_unix_seconds(seconds(s.client_tls->expires));
        tls_status.set_file_expires_unix_seconds(seconds(s.client_tls->certificate_file_expires));
        tls_status.set_client_ca_file(s.client_tls->client_ca_file);
        tls_status.set_handshake_timeout_ms(static_cast<std::uint32_t>(c.tls.handshake_timeout.count()));
    }
    set_sni_status(c.sni, *out.mutable_sni());
    if (c.plaintext.enabled()) {
        auto& plaintext = *out.mutable_plaintext();
        plaintext.set_enabled(true);
        plaintext.set_listen(c.plaintext.listen->to_string());
        plaintext.set_advertised_host(c.plaintext.told_host());
        plaintext.set_port_shift(gateway::plaintext_port_shift(c));
    }
}

gateway::RouteChange from_proto(const pb::PutRouteRequest& r) {
    gateway::RouteChange c;
    if (r.has_upstream_host()) c.upstream_host = r.upstream_host();
    if (r.has_upstream_port()) c.upstream_port = r.upstream_port();
    if (r.has_advertised_host()) c.advertised_host = r.advertised_host();
    if (r.has_advertised_port()) c.advertised_port = r.advertised_port();
    if (r.has_listen_port()) c.listen_port = r.listen_port();
    if (r.has_tls()) {
        const auto& t = r.tls();
        c.tls = gateway::UpstreamTls{t.enabled(), t.ca_file(), t.certificate_file(), t.key_file(), t.server_name(), !t.insecure_skip_verify()};
    }
    c.reset_tls = r.has_reset_tls() && r.reset_tls();
    return c;
}

grpc::Status to_status(const gateway::ControlError& e) {
    switch (e.code) {
    case gateway::ControlErrc::invalid_argument: return {grpc::StatusCode::INVALID_ARGUMENT, e.message};
    case gateway::ControlErrc::not_found: return {grpc::StatusCode::NOT_FOUND, e.message};
    case gateway::ControlErrc::failed_precondition: return {grpc::StatusCode::FAILED_PRECONDITION, e.message};
    case gateway::ControlErrc::internal: break;
    }
    return {grpc::StatusCode::INTERNAL, e.message};
}

const char* code_name(grpc::StatusCode code) {
    switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
    }
}

}  // namespace kgate::admin
