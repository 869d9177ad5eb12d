#include "gateway/http/http_handler.h"

#include <string_view>

#include <nlohmann/json.hpp>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "gateway/control/broker_state.h"

namespace kgate::gateway {
namespace {

HttpResponse text(int status, std::string body) {
    return HttpResponse{status, "text/plain; charset=utf-8", std::move(body) + "\n"};
}

HttpResponse readiness(const HttpContext& c) {
    if (c.draining) return text(503, "draining: shutting down");
    if (!c.cluster_known && c.not_ready_without_discovery) {
        return text(503, "not ready: upstream metadata not fetched yet (" + *c.not_ready_without_discovery + ")");
    }
    if (!c.listening) return text(503, "not ready: listeners not open yet");
    if (!c.cluster_known) return text(200, "ready: serving the configured and saved routes; discovery has not confirmed them yet");
    return text(200, "ready");
}

nlohmann::json host_port(const HostPort& hp) { return {{"host", hp.host}, {"port", hp.port}}; }

HttpResponse routes(const HttpContext& c) {
    auto out = nlohmann::json::array();
    static const ClusterView nothing_found;  // before the first discovery every broker is absent
    const ClusterView& cluster = c.cluster ? *c.cluster : nothing_found;
    if (c.routes) {
        for (const auto& r : c.routes->routes()) {
            out.push_back({{"node_id", r.node_id},
                           {"broker_advertised", r.broker_advertised.port != 0 ? host_port(r.broker_advertised) : nlohmann::json(nullptr)},
                           {"upstream_override", r.upstream_override ? host_port(*r.upstream_override) : nlohmann::json(nullptr)},
                           {"listen_port", r.listen_port},
                           {"client_advertised", host_port(r.client_advertised)},
                           {"state", broker_state_name(broker_state(r, cluster))}});
        }
    }
    return HttpResponse{200, "application/json", out.dump() + "\n"};
}

HttpResponse metrics(const HttpContext& c) {
    if (c.metrics == nullptr) return text(503, "metrics unavailable");
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", prometheus::TextSerializer().Serialize(c.metrics->Collect())};
}

}  // namespace

HttpResponse handle_http(const HttpRequest& request, const HttpContext& context) {
    std::string_view path = request.target;
    path = path.substr(0, path.find('?'));
    const bool known = path == "/healthz" || path == "/readyz" || path == "/routes" || path == "/metrics";
    if (!known) return text(404, "not found");
    if (request.method != "GET") return text(405, "method not allowed: use GET");
    if (path == "/healthz") return text(200, "ok");
    if (path == "/readyz") return readiness(context);
    if (path == "/routes") return routes(context);
    return metrics(context);
}

}  // namespace kgate::gateway
