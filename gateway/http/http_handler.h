#pragma once
// The operator HTTP endpoints as a pure function of the request and a snapshot of the
// gateway's state, so every route is testable without sockets.
#include <memory>
#include <optional>
#include <string>

#include "gateway/routing/routing_snapshot.h"
#include "gateway/upstream/cluster_view.h"

namespace prometheus {
class Registry;
}

namespace kgate::gateway {

struct HttpRequest {
    std::string method;  // "GET", ...
    std::string target;  // path, possibly with a query string
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

// What the handler may look at; filled per request by the server.
struct HttpContext {
    bool listening = false;       // on_ready() ran: the bootstrap and broker listeners are up
    bool cluster_known = false;   // upstream metadata and API versions were fetched
    // Before discovery: why the routes known from the configuration and the state directory
    // cannot be served yet; nullopt when they can (kgate is ready without discovery).
    std::optional<std::string> not_ready_without_discovery = "no routes before discovery";
    bool draining = false;        // shutdown began
    std::shared_ptr<const RoutingSnapshot> routes;
    std::shared_ptr<const ClusterView> cluster;  // what the latest discovery found; gives each route its state
    const prometheus::Registry* metrics = nullptr;
};

HttpResponse handle_http(const HttpRequest& request, const HttpContext& context);

}  // namespace kgate::gateway
