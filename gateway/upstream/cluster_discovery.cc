#include "gateway/upstream/cluster_discovery.h"

#include "gateway/routing/own_address.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/kop/served_apis.h"
#include "gateway/upstream/broker_call.h"
#include "gateway/upstream/connect.h"
#include "gateway/upstream/upstream_sasl.h"
#include "gateway/upstream_tls/upstream_handshake.h"
#include "protocol/codec/api_table.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;
constexpr std::int16_t kUnsupportedVersion = 35;

std::int16_t metadata_version(const ApiRanges& broker) {
    const auto* api = protocol::find_api(msg::MetadataRequest::api_key);
    std::int16_t v = api->max_version;
    if (auto it = broker.find(msg::MetadataRequest::api_key); it != broker.end()) v = std::min(v, it->second.max);
    return std::max<std::int16_t>(v, 1);
}

}  // namespace

awaitable<std::optional<ApiRanges>> ClusterDiscovery::fetch_versions(TransportStream& socket, msg::ApiVersionsResponse* full) {
    std::string error;
    msg::ApiVersionsRequest v3;
    v3.client_software_name = "kgate";
    v3.client_software_version = "0.1.0";
    const msg::AnyRequest req = v3;
    const msg::AnyRequest req_v0 = msg::ApiVersionsRequest{};
    auto resp = co_await call_broker(socket, req, 3, next_correlation_++, config_.max_frame_size, error);
    // A broker that does not know v3 answers UNSUPPORTED_VERSION with a v0 body; some
    // implementations (librdkafka's mock) send a body no layout describes. Either way, v0.
    if (!resp || std::get<msg::ApiVersionsResponse>(resp->body).error_code == kUnsupportedVersion) {
        resp = co_await call_broker(socket, req_v0, 0, next_correlation_++, config_.max_frame_size, error);
    }
    if (!resp) {
        spdlog::warn("ApiVersions: {}", error);
        co_return std::nullopt;
    }
    const auto& body = std::get<msg::ApiVersionsResponse>(resp->body);
    if (body.error_code != 0) {
        spdlog::warn("ApiVersions answered error {}", body.error_code);
        co_return std::nullopt;
    }
    if (full != nullptr) *full = body;
    co_return ranges_of(body);
}

awaitable<bool> ClusterDiscovery::open(TransportStream& stream, const HostPort& target, const UpstreamTls& tls, const std::string& name,
                                       const std::string& who) {
    if (auto ec = co_await connect_with_timeout(stream.socket(), target, config_.connect_timeout)) {
        spdlog::warn("{}: {}", who, ec.message());
        co_return false;
    }
    const auto outcome = co_await secure_broker_connection(stream, tls, name, config_.connect_timeout, tls_,
                                                           metrics_ != nullptr ? &metrics_->upstream_tls() : nullptr);
    if (outcome.ok()) co_return true;
    spdlog::warn("{}: {}", who, describe_failure(outcome, name));
    co_return false;
}

awaitable<bool> ClusterDiscovery::refresh() {
    auto executor = co_await asio::this_coro::executor;
    // Bootstrap servers first, then brokers already known, for when the bootstrap list is stale.
    std::vector<HostPort> candidates = config_.upstream;
    for (const auto& r : routing_.snapshot()->routes()) {
        // A configured route's upstream is usually a bootstrap server too: asked once.
        if (std::find(candidates.begin(), candidates.end(), r.upstream()) == candidates.end()) candidates.push_back(r.upstream());
    }

    std::optional<msg::MetadataResponse> metadata;
    msg::ApiVersionsResponse template_response;
    const auto snapshot = routing_.snapshot();
    for (const auto& target : candidates) {
        if (own_listener(config_, snapshot->routes(), target)) continue;  // said below, per broker
        // A bootstrap server is reached as upstream-tls says; a known broker as its route does.
        const auto& routes = snapshot->routes();
        const auto route = std::find_if(routes.begin(), routes.end(), [&](const BrokerRoute& r) { return r.upstream() == target; });
        const bool bootstrap = std::find(config_.upstream.begin(), config_.upstream.end(), target) != config_.upstream.end();
        const UpstreamTls& tls = bootstrap || route == routes.end() ? config_.upstream_tls : route->tls;
        const std::string advertised = bootstrap || route == routes.end() ? std::string() : route->broker_advertised.host;
        TransportStream socket{tcp::socket(executor)};
        // Named, not temporaries: GCC 12 mishandles temporaries bound to a coroutine's reference parameters.
        const std::string name = verified_name(tls, advertised, target.host);
        const std::string who = "upstream " + target.to_string();
        if (!co_await open(socket, target, tls, name, who)) continue;
        auto versions = co_await fetch_versions(socket, &template_response);
        if (!versions) continue;
        if (config_.upstream_sasl.enabled()) {
            std::string error;
            if (!co_await authenticate_upstream(socket, config_.upstream_sasl, *versions, next_correlation_, config_.max_frame_size, error)) {
                spdlog::warn("upstream {}: SASL {} as {}: {}", target.to_string(), config_.upstream_sasl.mechanism,
                             config_.upstream_sasl.username, error);
                continue;
            }
        }
        msg::MetadataRequest brokers_only;
        brokers_only.topics.emplace();  // no topics: only the broker list is wanted
        brokers_only.allow_auto_topic_creation = false;
        const msg::AnyRequest req = brokers_only;
        std::string error;
        auto resp = co_await call_broker(socket, req, metadata_version(*versions), next_correlation_++, config_.max_frame_size, error);
        if (!resp) {
            spdlog::warn("Metadata from {}: {}", target.to_string(), error);
            continue;
        }
        metadata = std::get<msg::MetadataResponse>(std::move(resp->body));
        break;
    }
    if (!metadata) co_return false;

    ClusterView view;
    view.template_response = template_response;
    for (const auto& b : metadata->brokers) {
        std::string error;
        if (b.port < 1 || b.port > 65535) {
            spdlog::warn("broker {} advertises port {}: ignored", b.node_id, b.port);
            continue;
        }
        auto route = routing_.ensure(b.node_id, HostPort{b.host, static_cast<std::uint16_t>(b.port)}, true, error);
        if (!route) {
            spdlog::error("broker {}: {}", b.node_id, error);
            continue;
        }
        if (auto own = own_listener(config_, routing_.snapshot()->routes(), route->upstream())) {
            if (told_own_address_.insert(b.node_id).second) {  // once per broker: this repeats every refresh
                spdlog::error("broker {} advertises {}, which is {}: kgate does not dial itself; give node {} an upstream "
                              "override (overrides: in the configuration, or PutRoute)",
                              b.node_id, route->upstream().to_string(), *own, b.node_id);
            }
            continue;
        }
        TransportStream socket{tcp::socket(executor)};
        const std::string name = verified_name(route->tls, route->broker_advertised.host, route->upstream().host);
        const std::string who = fmt::format("broker {} at {}", b.node_id, route->upstream().to_string());
        if (!co_await open(socket, route->upstream(), route->tls, name, who)) continue;
        if (auto versions = co_await fetch_versions(socket, nullptr)) view.broker_versions[b.node_id] = std::move(*versions);
    }
    if (view.broker_versions.empty()) co_return false;
    std::vector<ApiRanges> all;
    for (const auto& [id, ranges] : view.broker_versions) all.push_back(ranges);
    view.advertised = clamp_api_versions(all);
    view.offered = config_.broker_kind == BrokerKind::kop ? only_served_by_kop(view.advertised) : view.advertised;
    view.known = true;
    view_.publish(std::make_shared<const ClusterView>(std::move(view)));
    co_return true;
}

awaitable<void> ClusterDiscovery::run(std::function<void()> ready) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    bool announced = false;
    for (;;) {
        const bool ok = co_await refresh();
        if (ok && !announced) {
            announced = true;
            ready();
        }
        timer.expires_after(announced ? config_.metadata_refresh : std::chrono::milliseconds(1000));
        error_code ec;
        co_await timer.async_wait(with_ec(ec));
        if (ec) co_return;  // cancelled: shutting down
    }
}

}  // namespace kgate::gateway
