#include "gateway/cluster_mode/cluster_session.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/cluster_mode/fetch_split.h"
#include "gateway/cluster_mode/produce_split.h"
#include "gateway/cluster_mode/topic_split.h"
#include "gateway/log/rate_limited_log.h"
#include "gateway/net/frame_errors.h"
#include "gateway/static_map/cluster_view_wait.h"
#include "gateway/upstream/bootstrap_candidates.h"
#include "gateway/upstream/broker_call.h"
#include "gateway/upstream/connect.h"
#include "gateway/upstream_tls/session_upstream_tls.h"
#include "protocol/codec/api_table.h"
#include "protocol/messages/any_message.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

constexpr std::int16_t kLookupMetadataVersion = 12;  // topic ids, no deprecated fields
constexpr std::int16_t kFirstBatchFindCoordinator = 4;

std::string describe(const tcp::socket& s) {
    error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

std::int32_t correlation_of(std::span<const std::byte> frame) {
    protocol::Reader r(frame);
    std::int32_t id = 0;
    return r.read_int32(id) ? id : -1;
}

// The version to ask a broker at: the newest both sides know, at most `wanted`.
std::optional<std::int16_t> version_for(const ApiRanges& advertised, std::int16_t key, std::int16_t wanted) {
    const auto it = advertised.find(key);
    if (it == advertised.end() || it->second.min > wanted) return std::nullopt;
    return std::min(it->second.max, wanted);
}

}  // namespace

ClusterSession::ClusterSession(tcp::socket client, SessionServices& services, std::uint16_t told_port)
    : client_(std::move(client)),
      services_(services),
      id_(services.next_session_id.fetch_add(1)),
      peer_(describe(client_.socket())),
      cluster_(services.cluster),
      lookup_(tcp::socket(client_.get_executor())),
      writer_wake_(client_.get_executor()),
      reader_wake_(client_.get_executor()) {
    self_.node_id = virtual_node_id(services.routing.snapshot()->routes());
    self_.host = services.config.client_host();
    self_.port = told_port;
    services_.active_sessions.fetch_add(1);
}

awaitable<void> ClusterSession::run() {
    using namespace asio::experimental::awaitable_operators;
    const std::function<bool()> closing = [this] { return closed_ || draining_; };
    if (co_await wait_for_cluster_view(services_.cluster, services_.config.connect_timeout, closing)) {
        spdlog::debug("cluster conn {} from {}: the cluster as broker {}", id_, peer_, self_.node_id);
        co_await (read_requests() && write_responses());
    } else {
        spdlog::warn("cluster conn {} from {}: the brokers are not known yet (discovery has not succeeded); closing", id_, peer_);
    }
    close("done");
    services_.active_sessions.fetch_sub(1);
}

void ClusterSession::drain() {
    draining_ = true;
    error_code ignored;
    client_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
}

void ClusterSession::close(std::string_view why) {
    if (closed_) return;
    closed_ = true;
    spdlog::debug("cluster conn {} from {}: closing ({})", id_, peer_, why);
    error_code ignored;
    client_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    client_.socket().close(ignored);
    for (auto& [node, link] : links_) {
        link->stream.socket().close(ignored);
        services_.metrics.upstream_closed(node);
    }
    lookup_.socket().close(ignored);
    writer_wake_.cancel();
    reader_wake_.cancel();
}

awaitable<void> ClusterSession::wait(asio::steady_timer& timer) {
    timer.expires_at(asio::steady_timer::time_point::max());
    error_code ec;
    co_await timer.async_wait(with_ec(ec));
}

awaitable<void> ClusterSession::read_requests() {
    FrameBuffer frame;
    while (!closed_ && !draining_) {
        while (pending_.size() >= services_.config.max_inflight && !closed_) co_await wait(reader_wake_);
        if (closed_) break;
        if (auto ec = co_await read_frame(client_, client_in_, frame, services_.config.max_frame_size)) {
            if (ec.category() == frame_category()) bad_input_log().warn(fmt::format("cluster conn {} from {}: {}; closing", id_, peer_, ec.message()));
            break;
        }
        if (!co_await route(frame)) {
            close("request refused");
            break;
        }
    }
    reader_done_ = true;
    writer_wake_.cancel();
}

awaitable<std::int32_t> ClusterSession::any_broker() {
    if (!links_.empty()) co_return links_.begin()->first;
    const auto snapshot = services_.routing.snapshot();
    const auto candidates = bootstrap_candidates(snapshot->routes(), cluster_view(), services_.config.upstream,
                                                 services_.bootstrap_round_robin.fetch_add(1));
    for (const auto& c : candidates) {
        if (c.node_id < 0) continue;  // a configured bootstrap server: not a broker kgate routes to
        if (co_await link_to(c.node_id) != nullptr) co_return c.node_id;
        if (closed_) break;
    }
    co_return -1;
}

awaitable<ClusterSession::Link*> ClusterSession::link_to(std::int32_t node_id) {
    if (const auto it = links_.find(node_id); it != links_.end()) co_return it->second.get();
    const auto snapshot = services_.routing.snapshot();
    const auto* route = snapshot->find(node_id);
    if (route == nullptr) {
        spdlog::warn("cluster conn {} from {}: broker {} has no route", id_, peer_, node_id);
        co_return nullptr;
    }
    auto link = std::make_unique<Link>(Link{TransportStream(tcp::socket(client_.get_executor())), {}, route->upstream().to_string()});
    std::string why;
    if (auto ec = co_await connect_with_timeout(link->stream.socket(), route->upstream(), services_.config.connect_timeout)) {
        why = ec.message();
    } else {
        // Named, not a temporary in the co_await's expression: GCC 12 destroys those twice.
        const UpstreamCandidate candidate{route->upstream(), node_id};
        why = co_await secure_upstream(link->stream, *snapshot, candidate, services_);
    }
    if (!why.empty()) {
        upstream_failure_log().warn(fmt::format("cluster conn {} from {}: broker {} at {}: {}", id_, peer_, node_id, link->name, why));
        services_.metrics.upstream_failed(node_id, UpstreamFailure::connect);
        co_return nullptr;
    }
    if (closed_) co_return nullptr;
    services_.metrics.upstream_opened(node_id);
    auto* raw = link.get();
    links_.emplace(node_id, std::move(link));
    co_return raw;
}

awaitable<bool> ClusterSession::send(std::int32_t node_id, std::span<const std::byte> frame) {
    Link* link = co_await link_to(node_id);
    if (link == nullptr) co_return false;
    if (auto ec = co_await write_frame(link->stream, frame)) {
        spdlog::info("cluster conn {} from {}: broker {} write failed: {}", id_, peer_, node_id, ec.message());
        co_return false;
    }
    services_.metrics.on_bytes(Direction::client_to_broker, frame.size() + 4);
    co_return true;
}

awaitable<bool> ClusterSession::send(std::int32_t node_id, PieceFrame& frame) {
    Link* link = co_await link_to(node_id);
    if (link == nullptr) co_return false;
    if (auto ec = co_await frame.write_to(link->stream)) {
        spdlog::info("cluster conn {} from {}: broker {} write failed: {}", id_, peer_, node_id, ec.message());
        co_return false;
    }
    services_.metrics.on_bytes(Direction::client_to_broker, frame.size() + 4);
    co_return true;
}

awaitable<TransportStream*> ClusterSession::lookup_stream() {
    if (lookup_open_) co_return &lookup_;
    const auto snapshot = services_.routing.snapshot();
    const auto any = co_await any_broker();
    const auto* route = snapshot->find(any);
    if (route == nullptr) co_return nullptr;
    lookup_ = TransportStream(tcp::socket(client_.get_executor()));
    std::string why;
    if (auto ec = co_await connect_with_timeout(lookup_.socket(), route->upstream(), services_.config.connect_timeout)) {
        why = ec.message();
    } else {
        const UpstreamCandidate candidate{route->upstream(), route->node_id};
        why = co_await secure_upstream(lookup_, *snapshot, candidate, services_);
    }
    if (!why.empty()) {
        upstream_failure_log().warn(fmt::format("cluster conn {} from {}: lookups at broker {}: {}", id_, peer_, route->node_id, why));
        co_return nullptr;
    }
    lookup_open_ = true;
    co_return &lookup_;
}

awaitable<void> ClusterSession::learn_topics(const TopicNeeds& needs) {
    msg::MetadataRequest request;
    request.allow_auto_topic_creation = false;  // creating topics is the client's request to make
    bool unknown_id = false;
    for (const auto& id : needs.ids) unknown_id = unknown_id || !view_.knows(id);
    if (unknown_id) {
        request.topics.reset();  // a topic known by id only: ask for every topic
    } else {
        for (const auto& name : needs.names) {
            if (view_.knows(name)) continue;
            msg::MetadataRequest::MetadataRequestTopic topic;
            topic.name = name;
            request.topics->push_back(std::move(topic));
        }
        if (request.topics->empty()) co_return;
    }
    const auto version = version_for(cluster_view().advertised, msg::MetadataRequest::api_key, kLookupMetadataVersion);
    if (!version) co_return;
    TransportStream* stream = co_await lookup_stream();
    if (stream == nullptr) co_return;  // unknown leaders go to any broker, which answers with the error
    std::string error;
    const msg::AnyRequest body = request;
    auto answer = co_await call_broker(*stream, body, *version, lookup_correlation_++, services_.config.max_frame_size, error);
    if (!answer) {
        spdlog::info("cluster conn {} from {}: Metadata lookup failed: {}", id_, peer_, error);
        lookup_open_ = false;
        co_return;
    }
    if (const auto* metadata = std::get_if<msg::MetadataResponse>(&answer->body)) view_.learn(*metadata);
}

awaitable<std::int32_t> ClusterSession::coordinator_for(const CoordinatorKey& key) {
    if (const auto known = view_.coordinator(key); known >= 0) co_return known;
    const auto version = version_for(cluster_view().advertised, msg::FindCoordinatorRequest::api_key, kFirstBatchFindCoordinator);
    if (!version) co_return LeaderView::kUnknown;
    TransportStream* stream = co_await lookup_stream();
    if (stream == nullptr) co_return LeaderView::kUnknown;
    msg::FindCoordinatorRequest request;
    request.key_type = static_cast<std::int8_t>(key.type);
    if (*version >= kFirstBatchFindCoordinator) request.coordinator_keys.push_back(key.key);
    else request.key = key.key;
    std::string error;
    const msg::AnyRequest body = request;
    auto answer = co_await call_broker(*stream, body, *version, lookup_correlation_++, services_.config.max_frame_size, error);
    if (!answer) {
        spdlog::info("cluster conn {} from {}: FindCoordinator lookup failed: {}", id_, peer_, error);
        lookup_open_ = false;
        co_return LeaderView::kUnknown;
    }
    const auto* found = std::get_if<msg::FindCoordinatorResponse>(&answer->body);
    if (found == nullptr) co_return LeaderView::kUnknown;
    std::int16_t code = found->error_code;
    std::int32_t node = found->node_id;
    if (*version >= kFirstBatchFindCoordinator) {
        if (found->coordinators.empty()) co_return LeaderView::kUnknown;
        code = found->coordinators.front().error_code;
        node = found->coordinators.front().node_id;
    }
    if (code != 0 || node < 0) co_return LeaderView::kUnknown;  // the broker it goes to will say why
    view_.learn_coordinator(key, node);
    co_return node;
}

awaitable<bool> ClusterSession::route(FrameBuffer& frame) {
    const auto prefix = protocol::peek_request_prefix(frame);
    if (!prefix) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: malformed request header: {}; closing", id_, peer_, prefix.error().to_string()));
        co_return false;
    }
    const auto* api = protocol::find_api(prefix->api_key);
    if (api == nullptr) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: unknown API key {}; closing", id_, peer_, prefix->api_key));
        co_return false;
    }
    services_.metrics.on_request(prefix->api_key, prefix->api_version);
    PendingAnswer entry;
    entry.correlation_id = prefix->correlation_id;
    entry.api_key = prefix->api_key;
    entry.api_version = prefix->api_version;
    const Route route = route_of(prefix->api_key);
    entry.answer = answer_of(prefix->api_key, route);
    const auto view = cluster_.shared();
    if (route == Route::local) {
        if (prefix->api_key == msg::ApiVersionsRequest::api_key) {
            entry.local = api_versions_answer_frame(cluster_offered(view->offered), view->template_response, prefix->api_version,
                                                    prefix->correlation_id);
        } else {
            bad_input_log().warn(fmt::format("cluster conn {} from {}: SASL is not available on the cluster listener yet; "
                                             "answered UNSUPPORTED_SASL_MECHANISM",
                                             id_, peer_));
            entry.local = refused_sasl_answer(prefix->api_version, prefix->correlation_id);
        }
        pending_.push_back(std::move(entry));
        writer_wake_.cancel();
        co_return true;
    }
    if (route == Route::refused || !view->advertised.contains(prefix->api_key)) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: {} (key {}) is not offered on the cluster listener; closing", id_, peer_,
                                         api->name, prefix->api_key));
        co_return false;
    }
    if (!api->can_decode(prefix->api_version)) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: {} v{} is not supported on the cluster listener (kgate knows {} to {}); "
                                         "closing",
                                         id_, peer_, api->name, prefix->api_version, api->min_version, api->max_decodable_version));
        co_return false;
    }
    const auto decoded = protocol::decode_request(frame);
    if (!decoded) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: {} v{} request does not decode: {}; closing", id_, peer_, api->name,
                                         prefix->api_version, decoded.error().to_string()));
        co_return false;
    }
    bool expect_answer = true;
    if (const auto* produce = std::get_if<msg::ProduceRequest>(&decoded->body)) expect_answer = produce->acks != 0;
    const std::int32_t fallback = co_await any_broker();
    const auto leader = [&](std::string_view topic, const protocol::Uuid& id, std::int32_t partition) {
        const auto node = id.is_zero() ? view_.leader(topic, partition) : view_.leader(id, partition);
        return node >= 0 ? node : fallback;
    };
    std::string error;
    bool sent = true;
    switch (route) {
        case Route::any_broker:
        case Route::coordinator: {
            std::int32_t node = fallback;
            if (route == Route::coordinator) {
                entry.coordinator = coordinator_key(*decoded);
                if (entry.coordinator) {
                    const auto found = co_await coordinator_for(*entry.coordinator);
                    if (found >= 0) node = found;
                }
            }
            if (entry.answer == Answer::find_coordinator) entry.question = coordinator_question(*decoded);
            entry.nodes.push_back(node);
            sent = co_await send(node, frame);
            break;
        }
        case Route::produce: {
            const auto needs = topics_named(*decoded);
            co_await learn_topics(needs);
            auto layout = layout_produce(frame, error);
            if (!layout) break;
            auto parts = split_produce(*layout, [&](const TopicSpans& t, std::int32_t p) { return leader(t.name, t.id, p); });
            for (auto& [node, part] : parts) {
                entry.nodes.push_back(node);
                if (!(sent = co_await send(node, part))) break;
            }
            break;
        }
        case Route::fetch:
        case Route::by_topic: {
            const auto needs = topics_named(*decoded);
            co_await learn_topics(needs);
            std::optional<std::map<std::int32_t, std::vector<std::byte>>> parts;
            if (route == Route::fetch) parts = split_fetch(*decoded, leader, error);
            else parts = split_by_leader(*decoded, leader, error);
            if (!parts) break;
            for (auto& [node, part] : *parts) {
                entry.nodes.push_back(node);
                if (!(sent = co_await send(node, part))) break;
            }
            break;
        }
        case Route::local:
        case Route::refused: break;
    }
    if (!error.empty()) {
        bad_input_log().warn(fmt::format("cluster conn {} from {}: {}; closing", id_, peer_, error));
        co_return false;
    }
    if (!sent) co_return false;
    if (expect_answer) {
        pending_.push_back(std::move(entry));
        writer_wake_.cancel();
    }
    co_return true;
}

awaitable<void> ClusterSession::write_responses() {
    while (!closed_) {
        while (pending_.empty() && !reader_done_ && !closed_) co_await wait(writer_wake_);
        if (closed_ || pending_.empty()) break;
        PendingAnswer& entry = pending_.front();
        error_code ec;
        if (entry.answer == Answer::local) {
            const std::span<const std::byte> local(entry.local);
            ec = co_await write_frame(client_, local);
        } else {
            entry.answers.resize(entry.nodes.size());
            bool read_all = true;
            for (std::size_t i = 0; i < entry.nodes.size() && read_all; ++i) {
                Link& link = *links_.at(entry.nodes[i]);
                if (auto read_ec = co_await read_frame(link.stream, link.in, entry.answers[i], services_.config.max_frame_size)) {
                    if (!closed_) spdlog::info("cluster conn {} from {}: broker {} closed: {}", id_, peer_, entry.nodes[i], read_ec.message());
                    if (!closed_) services_.metrics.upstream_failed(entry.nodes[i], UpstreamFailure::lost);
                    read_all = false;
                } else if (correlation_of(entry.answers[i]) != entry.correlation_id) {
                    spdlog::warn("cluster conn {}: broker {} answered correlation id {} where {} was expected; closing", id_, entry.nodes[i],
                                 correlation_of(entry.answers[i]), entry.correlation_id);
                    read_all = false;
                } else {
                    services_.metrics.on_bytes(Direction::broker_to_client, entry.answers[i].size() + 4);
                }
            }
            if (!read_all) break;
            ec = co_await deliver(entry);
        }
        if (ec) break;
        pending_.pop_front();
        reader_wake_.cancel();
    }
    close(reader_done_ ? "client finished" : "upstream or client failed");
}

}  // namespace kgate::gateway
