#include "gateway/session/client_session.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/kop/controller_pin.h"
#include "gateway/kop/kop_exchange.h"
#include "gateway/log/rate_limited_log.h"
#include "gateway/net/frame_batch.h"
#include "gateway/net/frame_errors.h"
#include "gateway/net/frame_io.h"
#include "gateway/rewrite/api_versions_clamp.h"
#include "gateway/rewrite/metadata_splice.h"
#include "gateway/rewrite/response_rewriter.h"
#include "gateway/routing/own_address.h"
#include "gateway/static_map/cluster_view_wait.h"
#include "gateway/timeouts/request_timeout.h"
#include "gateway/sni/sni_handshake.h"
#include "gateway/upstream/bootstrap_candidates.h"
#include "gateway/upstream/connect.h"
#include "gateway/upstream_tls/session_upstream_tls.h"
#include "protocol/codec/api_table.h"
#include "protocol/codec/frame_scan.h"

namespace kgate::gateway {
namespace {

namespace msg = protocol::messages;

constexpr std::int16_t kProduce = msg::ProduceRequest::api_key;
constexpr std::int16_t kSaslHandshake = msg::SaslHandshakeRequest::api_key;
constexpr std::int16_t kApiVersions = msg::ApiVersionsRequest::api_key;
constexpr std::int16_t kInitProducerId = msg::InitProducerIdRequest::api_key;

std::string describe(const tcp::socket& s) {
    error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

std::uint16_t local_port(const tcp::socket& s) {
    error_code ec;
    const auto ep = s.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

// acks of a Produce request older than the codec decodes (v0-2): right after the v1 header.
std::optional<std::int16_t> legacy_produce_acks(std::span<const std::byte> frame) {
    protocol::Reader r(frame);
    msg::RequestHeader header;
    std::int16_t acks = 0;
    if (!header.decode(r, 1) || !r.read_int16(acks)) return std::nullopt;
    return acks;
}

// Raw SASL tokens follow a v0 SaslHandshake until the client sends a Kafka request again.
bool looks_like_request(std::span<const std::byte> frame) {
    const auto prefix = protocol::peek_request_prefix(frame);
    if (!prefix) return false;
    const auto* api = protocol::find_api(prefix->api_key);
    return api != nullptr && api->can_decode(prefix->api_version) && protocol::decode_request(frame);
}

// What a response reports: its first non-zero ErrorCode in field order (the top-level one
// comes before nested ones), 0 when all are 0.
std::int16_t first_error_code(const protocol::DecodedResponse& response) {
    std::int16_t first = 0;
    std::visit([&](const auto& body) {
        body.for_each_error_code(response.body_version, [&](std::int16_t code) {
            if (first == 0) first = code;
        });
    }, response.body);
    return first;
}

}  // namespace

ClientSession::ClientSession(TransportStream client, ListenerTarget target, SessionServices& services)
    : client_(std::move(client)),
      upstream_(tcp::socket(client_.get_executor())),
      target_(target),
      services_(services),
      mapper_(services.routing, target.sni, target.plaintext),
      cluster_(services.cluster),
      id_(services.next_session_id.fetch_add(1)),
      peer_(describe(client_.socket())),
      listener_port_(local_port(client_.socket())),
      writer_wake_(client_.get_executor()),
      reader_wake_(client_.get_executor()),
      deadline_timer_(client_.get_executor()),
      request_bytes_(services.request_budget, id_, client_.get_executor()),
      response_bytes_(services.response_budget, id_, client_.get_executor(), &client_.socket()),
      pre_auth_(services.sasl_routes, services.config.pre_auth_max_frame_size, services.config.max_frame_size) {
    services_.active_sessions.fetch_add(1);
}

awaitable<void> ClientSession::run() {
    using namespace asio::experimental::awaitable_operators;
    bool connected = co_await accept_client_connection(client_, target_, services_, id_, peer_);
    if (connected) connected = co_await connect_upstream();
    if (connected) connected = co_await cluster_view_known();
    if (connected) {
        spdlog::debug("conn {} from {}: upstream {}", id_, peer_, upstream_name_);
        co_await (read_requests() && write_responses() && watch_timeouts());
    }
    close("done");
    services_.active_sessions.fetch_sub(1);
}

ConnectionInfo ClientSession::info() const {
    ConnectionInfo i;
    i.id = id_;
    i.client = peer_;
    i.bootstrap = target_.bootstrap;
    i.listener_node = target_.node_id;
    i.listener_port = listener_port_;
    i.upstream = upstream_name_;
    i.upstream_node = upstream_node_;
    i.bytes_from_client = bytes_from_client_;
    i.bytes_to_client = bytes_to_client_;
    i.requests = requests_;
    i.age_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    i.draining = draining_;
    return i;
}

void ClientSession::drain() {
    draining_ = true;
    // Shutting the receive side wakes the reader with end-of-stream without touching a write
    // in progress: the writer still answers everything in flight.
    error_code ignored;
    client_.socket().shutdown(tcp::socket::shutdown_receive, ignored);
    request_bytes_.stop();  // a read paused by the budget gives up too
}

awaitable<bool> ClientSession::connect_upstream() {
    const auto& config = services_.config;
    std::vector<UpstreamCandidate> candidates;
    const auto snapshot = services_.routing.snapshot();
    if (!target_.bootstrap) {
        const auto* route = snapshot->find(target_.node_id);
        if (route == nullptr) {
            spdlog::warn("conn {} from {}: broker {} has no route any more", id_, peer_, target_.node_id);
            co_return false;
        }
        if (route->draining) {
            spdlog::info("conn {} from {}: broker {} is draining; refusing the connection", id_, peer_, target_.node_id);
            co_return false;
        }
        candidates.push_back({route->upstream(), route->node_id});
    } else {
        candidates = bootstrap_candidates(snapshot->routes(), cluster_.get(), config.upstream, services_.bootstrap_round_robin.fetch_add(1));
    }
    for (const auto& c : candidates) {
        if (auto own = own_listener(config, snapshot->routes(), c.address)) {
            bad_input_log().warn(fmt::format("conn {} from {}: broker {}'s upstream {} is {}: not dialled (give the broker an upstream override)",
                                             id_, peer_, c.node_id, c.address.to_string(), *own));
            continue;
        }
        upstream_ = TransportStream(tcp::socket(client_.get_executor()));
        std::string why;
        if (auto ec = co_await connect_with_timeout(upstream_.socket(), c.address, config.connect_timeout)) why = ec.message();
        else why = co_await secure_upstream(upstream_, *snapshot, c, services_);
        if (!why.empty()) {
            // Rate-limited: a broker down or kgate out of descriptors fails every client at once.
            upstream_failure_log().warn(fmt::format("conn {} from {}: upstream {}: {}", id_, peer_, c.address.to_string(), why));
            services_.metrics.upstream_failed(c.node_id, UpstreamFailure::connect);
            continue;
        }
        upstream_name_ = c.address.to_string();
        upstream_node_ = c.node_id;
        pre_auth_.connected(upstream_name_);
        upstream_counted_ = true;
        services_.metrics.upstream_opened(upstream_node_);
        co_return true;
    }
    co_return false;
}

awaitable<bool> ClientSession::cluster_view_known() {
    const auto limit = services_.config.connect_timeout;
    const std::function<bool()> closing = [this] { return closed_ || draining_; };
    if (co_await wait_for_cluster_view(services_.cluster, limit, closing)) co_return true;
    spdlog::warn("conn {} from {}: the brokers' API versions are not known {} ms after connecting to {} (discovery has not "
                 "succeeded yet); closing the connection",
                 id_, peer_, limit.count(), upstream_name_);
    co_return false;
}

awaitable<void> ClientSession::watch_timeouts() {
    const auto settings = TimeoutSettings::from(services_.config);
    if (!settings.any()) co_return;
    SessionTimeouts timeouts(settings, std::chrono::steady_clock::now());
    while (!closed_) {
        deadline_timer_.expires_at(timeouts.next_check());
        error_code ec;
        co_await deadline_timer_.async_wait(with_ec(ec));
        if (closed_) break;
        if (const auto expired = timeouts.check(activity(), std::chrono::steady_clock::now())) {
            timed_out(*expired, settings);
            break;
        }
    }
}

SessionActivity ClientSession::activity() const {
    SessionActivity a;
    a.bytes_from_client = bytes_from_client_;
    a.frame = client_frame_;
    a.in_flight = !inflight_.empty();
    if (a.in_flight && inflight_.front().kind != InFlight::Kind::local && !writing_to_client_) {
        a.awaiting_broker = true;
        a.waiting_since = std::max(inflight_.front().sent, last_answer_);
        a.own_timeout_ms = inflight_.front().own_timeout_ms;
    }
    return a;
}

void ClientSession::timed_out(const Expiry& expiry, const TimeoutSettings& settings) {
    services_.metrics.on_timeout(expiry.kind);
    const auto why = describe(expiry, settings);
    if (expiry.kind == TimeoutKind::idle) {
        spdlog::debug("conn {} from {}: {}; closing the connection", id_, peer_, why);
    } else if (expiry.kind == TimeoutKind::slow_frame) {
        timeouts_log().warn(fmt::format("conn {} from {}: {}; closing the connection", id_, peer_, why));
    } else {
        const auto& head = inflight_.front();
        const auto* api = protocol::find_api(head.api_key);
        timeouts_log().warn(fmt::format("conn {} from {}: broker {} ({}) sent {} v{} (correlation id {}) {}; closing both connections",
                                        id_, peer_, upstream_node_, upstream_name_, api != nullptr ? api->name : "request",
                                        head.api_version, head.correlation_id, why));
        services_.metrics.upstream_failed(upstream_node_, UpstreamFailure::timeout);
    }
    close("timeout");
}

awaitable<void> ClientSession::wait(asio::steady_timer& timer) {
    timer.expires_at(asio::steady_timer::time_point::max());
    error_code ec;
    co_await timer.async_wait(with_ec(ec));
}

void ClientSession::close(std::string_view why) {
    if (closed_) return;
    closed_ = true;
    spdlog::debug("conn {} from {}: closing ({})", id_, peer_, why);
    error_code ignored;
    client_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    client_.socket().close(ignored);
    upstream_.socket().close(ignored);
    if (upstream_counted_) services_.metrics.upstream_closed(upstream_node_);
    upstream_counted_ = false;
    wake(writer_wake_);
    wake(reader_wake_);
    wake(deadline_timer_);
    request_bytes_.stop();
    response_bytes_.stop();
}

void ClientSession::bad_input(std::string_view what, RejectReason reason) {
    services_.metrics.on_rejected(reason);
    bad_input_log().warn(fmt::format("conn {} from {}: {}; closing the connection", id_, peer_, what));
    close("bad input");
}

bool ClientSession::admit_request(std::span<const std::byte> frame, InFlight& entry, bool& forward, bool& expect_response,
                                  std::vector<std::byte>& replacement) {
    const auto prefix = protocol::peek_request_prefix(frame);
    if (!prefix) {
        bad_input("malformed request header: " + prefix.error().to_string(), RejectReason::malformed_header);
        return false;
    }
    entry.correlation_id = prefix->correlation_id;
    entry.api_key = prefix->api_key;
    entry.api_version = prefix->api_version;
    const auto* api = protocol::find_api(prefix->api_key);
    if (api == nullptr) {
        bad_input(fmt::format("unknown API key {}", prefix->api_key), RejectReason::unknown_api);
        return false;
    }
    if (prefix->api_key == kApiVersions) {
        // Answered here: the client must see what the gateway and every broker support, and a
        // v5 request's cluster and node check must never reach one broker unchanged.
        entry.kind = InFlight::Kind::local;
        entry.local_frame = api_versions_answer(prefix->api_version, prefix->correlation_id);
        forward = false;
        expect_response = true;
        return true;
    }
    // Only what the gateway advertises is routed: a controller-only API could carry addresses
    // the rewriter does not know about.
    if (!cluster_.get().advertised.contains(prefix->api_key)) {
        bad_input(fmt::format("{} (key {}) is not offered through the gateway", api->name, prefix->api_key), RejectReason::unknown_api);
        return false;
    }
    forward = true;
    expect_response = true;
    if (api->can_decode(prefix->api_version)) {
        const auto decoded = protocol::decode_request(frame);
        if (!decoded) {
            bad_input(fmt::format("{} v{} request does not decode: {}", api->name, prefix->api_version, decoded.error().to_string()),
                      RejectReason::undecodable);
            return false;
        }
        if (prefix->api_key == kProduce) expect_response = std::get<msg::ProduceRequest>(decoded->body).acks != 0;
        entry.own_timeout_ms = own_timeout_ms(decoded->body);
        if (!decoded->trailing.empty()) note_trailing_bytes(Direction::client_to_broker, *api, prefix->api_version, decoded->trailing.size());
        if (kop()) {
            if (auto upgraded = upgrade_for_kop(*decoded, cluster_.get().advertised)) {
                entry.upstream_version = upgraded->upstream_version;
                replacement = std::move(upgraded->frame);
                services_.metrics.on_kop_quirk(upgraded->quirk);
            }
        }
    } else if (prefix->api_version >= 0 && prefix->api_version < api->min_version && forwarded_below_codec_min(prefix->api_key)) {
        // Older than the codec and naming no broker in its answer: forwarded undecoded, for
        // the broker to accept or refuse (Kafka 4 refuses, KoP serves it).
        if (prefix->api_key == kProduce) {
            const auto acks = legacy_produce_acks(frame);
            if (!acks) {
                bad_input(fmt::format("Produce v{} request header does not decode", prefix->api_version), RejectReason::malformed_header);
                return false;
            }
            expect_response = *acks != 0;
        }
    } else {
        bad_input(fmt::format("{} v{} is not supported (the gateway knows {} to {})", api->name, prefix->api_version, api->min_version,
                              api->max_decodable_version),
                  RejectReason::unsupported_version);
        return false;
    }
    entry.sasl_handshake_v0 = prefix->api_key == kSaslHandshake && prefix->api_version == 0;
    return true;
}

std::vector<std::byte> ClientSession::api_versions_answer(std::int16_t asked, std::int32_t correlation_id) {
    const auto& view = cluster_.get();
    return api_versions_answer_frame(view.offered, view.template_response, asked, correlation_id);
}

awaitable<void> ClientSession::read_requests() {
    const auto& config = services_.config;
    FrameBuffer frame;
    // Requests admitted while more wait whole in the read-ahead buffer go to the broker
    // together, in one write, once no whole request is left buffered. Moved, not copied.
    FrameBatch to_broker;
    constexpr std::size_t kFlushBytes = 256 * 1024;
    constexpr std::size_t kFlushFrames = 32;  // 64 buffers: what one gathered write takes
    while (!closed_ && !draining_) {
        // Queued requests go out before the reader can block, on the client (no whole request
        // buffered: the last one may have been answered locally) or on their own answers.
        if (!to_broker.empty() && (inflight_.size() >= config.max_inflight || !has_frame(client_in_))) {
            if (!co_await send_to_broker(to_broker)) break;
        }
        while (inflight_.size() >= config.max_inflight && !closed_) co_await wait(reader_wake_);
        if (closed_) break;
        if (auto ec = co_await read_frame(client_, client_in_, frame, pre_auth_.frame_limit(), &client_frame_, &request_bytes_)) {
            if (ec.category() == frame_category()) refuse_frame(ec);
            break;  // end of stream, a reset, or drain()'s cancel
        }
        InFlight entry;
        bool forward = true;
        bool expect_response = true;
        std::vector<std::byte> replacement;
        if (sasl_raw_tokens_ && !looks_like_request(frame)) {
            entry.kind = InFlight::Kind::raw;
        } else {
            sasl_raw_tokens_ = false;
            if (!admit_request(frame, entry, forward, expect_response, replacement)) break;
            services_.metrics.on_request(entry.api_key, entry.api_version);
        }
        ++requests_;
        bytes_from_client_ += frame.size() + 4;
        entry.sent = std::chrono::steady_clock::now();
        if (expect_response) {
            inflight_.push_back(std::move(entry));
            wake(writer_wake_);
        }
        if (!forward || !replacement.empty()) release_unforwarded(frame);
        if (forward) {
            if (replacement.empty()) {
                services_.metrics.on_bytes(Direction::client_to_broker, frame.size() + 4);
                to_broker.add(frame);
            } else {
                services_.metrics.on_bytes(Direction::client_to_broker, replacement.size() + 4);
                to_broker.add(std::move(replacement));
            }
            if (has_frame(client_in_) && !draining_ && to_broker.bytes() < kFlushBytes && to_broker.frames() < kFlushFrames) continue;
            if (!co_await send_to_broker(to_broker)) break;
        }
    }
    // Admitted requests are in flight: the writer waits for their answers, so they must go out.
    if (!to_broker.empty() && !closed_) co_await send_to_broker(to_broker);
    reader_done_ = true;
    wake(writer_wake_);
}

void ClientSession::refuse_frame(const error_code& ec) {
    if (ec != FrameErrc::too_large) {
        bad_input(ec.message(), RejectReason::malformed_header);
    } else if (pre_auth_.capped()) {
        bad_input(fmt::format("{} before SASL authentication, where the broker requires it (pre-auth-max-frame-size {})", ec.message(),
                              pre_auth_.frame_limit()),
                  RejectReason::too_large_before_auth);
    } else {
        bad_input(ec.message(), RejectReason::too_large);
    }
}

void ClientSession::release_unforwarded(FrameBuffer& frame) {
    request_bytes_.hand_on(frame.size());
    // A large frame answered here or asked another way must not keep its memory for the next.
    constexpr std::size_t kKeepCapacity = 64 * 1024;
    if (frame.capacity() > kKeepCapacity) frame = FrameBuffer{};
}

awaitable<bool> ClientSession::send_to_broker(FrameBatch& requests) {
    const auto ec = co_await requests.write_to(upstream_);
    request_bytes_.hand_on_all();  // written, or dropped with the connection
    if (ec) {
        spdlog::info("conn {} from {}: upstream {} write failed: {}", id_, peer_, upstream_name_, ec.message());
        if (!closed_) services_.metrics.upstream_failed(upstream_node_, UpstreamFailure::lost);  // not our own close
        close("upstream write failed");
        co_return false;
    }
    co_return true;
}

void ClientSession::count_response(const InFlight& entry, std::span<const std::byte> frame) {
    // Scanned, not decoded: only its error codes are wanted, the client gets the original bytes.
    const auto* api = protocol::find_api(entry.api_key);
    if (api == nullptr || !api->can_decode(entry.api_version)) return;  // older than the codec
    const auto scanned = protocol::scan_response_fields(entry.api_key, entry.api_version, frame, {});
    if (!scanned) {
        services_.metrics.on_response(entry.api_key, std::nullopt);
        return;
    }
    services_.metrics.on_response(entry.api_key, scanned->first_error_code);
    if (scanned->trailing_bytes > 0) note_trailing_bytes(Direction::broker_to_client, *api, entry.api_version, scanned->trailing_bytes);
}

void ClientSession::note_trailing_bytes(Direction direction, const protocol::ApiInfo& api, std::int16_t version, std::size_t n) {
    services_.metrics.on_trailing_bytes(direction, api.key);
    spdlog::debug("conn {} from {}: {} v{} {} has {} bytes after its body; forwarded as it came", id_, peer_, api.name, version,
                  direction == Direction::client_to_broker ? "request" : "response", n);
}

// Not a coroutine on purpose: GCC 12 mishandles a conditional expression's temporaries in a
// coroutine body (seen here as a corrupted session), so none is written in one.
void ClientSession::count_decoded(std::int16_t api_key, const protocol::Result<protocol::DecodedResponse>& decoded) {
    if (!decoded) {
        services_.metrics.on_response(api_key, std::nullopt);
        return;
    }
    services_.metrics.on_response(api_key, first_error_code(*decoded));
    if (!decoded->trailing.empty()) {
        note_trailing_bytes(Direction::broker_to_client, *protocol::find_api(api_key), decoded->api_version, decoded->trailing.size());
    }
}

bool ClientSession::deliver_response(InFlight& entry, FrameBuffer& frame, FrameBatch& out) {
    services_.metrics.on_bytes(Direction::broker_to_client, frame.size() + 4);
    if (entry.kind == InFlight::Kind::raw) {
        pre_auth_.on_raw_token_answer();
        return queue_for_client(frame, out);
    }
    services_.metrics.on_latency(entry.api_key, std::chrono::duration<double>(std::chrono::steady_clock::now() - entry.sent).count());
    protocol::Reader r(frame);
    std::int32_t correlation_id = 0;
    if (!r.read_int32(correlation_id) || correlation_id != entry.correlation_id) {
        spdlog::warn("conn {}: upstream {} answered correlation id {} where {} was expected; closing", id_, upstream_name_,
                     correlation_id, entry.correlation_id);
        return false;
    }
    pre_auth_.on_answer(entry.api_key, entry.api_version, frame);
    if (entry.sasl_handshake_v0) {
        std::int16_t handshake_error = -1;
        if (r.read_int16(handshake_error) && handshake_error == 0) sasl_raw_tokens_ = true;
    }
    const bool upgraded = entry.upstream_version >= 0;
    if (kop() && kop_reworks_response(entry.api_key, upgraded ? entry.upstream_version : entry.api_version, upgraded)) {
        return deliver_kop(entry, frame, out);
    }
    if (!response_needs_rewrite(entry.api_key, entry.api_version)) {
        count_response(entry, frame);
        return queue_for_client(frame, out);
    }
    // Only a Metadata response's Brokers change, and its topics are most of its bytes.
    if (entry.api_key == msg::MetadataResponse::api_key) return deliver_metadata(entry, frame, out);

    auto decoded = protocol::decode_response(entry.api_key, entry.api_version, frame);
    count_decoded(entry.api_key, decoded);
    if (!decoded) {
        // Forwarding it could leak a broker address the gateway failed to see: refuse.
        spdlog::error("conn {}: upstream {} sent an undecodable {} v{} response: {}; closing", id_, upstream_name_,
                      protocol::find_api(entry.api_key)->name, entry.api_version, decoded.error().to_string());
        return false;
    }
    mapper_.set_authoritative(false);  // only Metadata is, and deliver_metadata() takes those
    const auto outcome = rewrite_response(decoded->body, entry.api_key, decoded->body_version, mapper_);
    if (!outcome.ok()) {
        spdlog::error("conn {}: {}; closing", id_, outcome.error);
        return false;
    }
    bool pinned = false;
    if (kop()) {
        if (auto* cluster = std::get_if<msg::DescribeClusterResponse>(&decoded->body)) pinned = pin_controller(*cluster);
        if (pinned) services_.metrics.on_kop_quirk(KopQuirk::controller_pinned);
    }
    if (!outcome.changed && !pinned) return queue_for_client(frame, out);
    services_.metrics.on_rewrite(entry.api_key);
    auto bytes = protocol::encode_response(*decoded);
    if (!bytes) {
        spdlog::error("conn {}: rewritten {} response cannot be encoded; closing", id_, protocol::find_api(entry.api_key)->name);
        return false;
    }
    return queue_for_client(std::move(*bytes), out);
}

bool ClientSession::queue_for_client(FrameBuffer& frame, FrameBatch& out) {
    bytes_to_client_ += frame.size() + 4;
    out.add(frame);
    return true;
}

bool ClientSession::queue_for_client(std::vector<std::byte>&& frame, FrameBatch& out) {
    bytes_to_client_ += frame.size() + 4;
    out.add(std::move(frame));
    return true;
}

bool ClientSession::next_answer_ready() const {
    if (inflight_.empty()) return false;
    return inflight_.front().kind == InFlight::Kind::local || has_frame(upstream_in_);
}

bool ClientSession::deliver_kop(const InFlight& entry, FrameBuffer& frame, FrameBatch& out) {
    const std::int16_t upstream_version = entry.upstream_version >= 0 ? entry.upstream_version : entry.api_version;
    auto answer = rework_kop_response(frame, entry.api_key, upstream_version, entry.api_version, services_.config.kop_topic_prefix);
    services_.metrics.on_response(entry.api_key, answer.first_error_code);
    const auto* api = protocol::find_api(entry.api_key);
    if (answer.trailing_bytes > 0) note_trailing_bytes(Direction::broker_to_client, *api, upstream_version, answer.trailing_bytes);
    if (!answer.ok()) {
        // The broker answered another version than the client asked: it cannot get these bytes.
        spdlog::error("conn {}: upstream {} sent a {} v{} answer kgate cannot rework: {}; closing", id_, upstream_name_, api->name,
                      upstream_version, answer.error);
        return false;
    }
    if (answer.topics_renamed > 0) services_.metrics.on_kop_quirk(KopQuirk::topic_prefix_stripped);
    if (!answer.changed) return queue_for_client(frame, out);
    return queue_for_client(std::move(answer.frame), out);
}

bool ClientSession::deliver_metadata(const InFlight& entry, FrameBuffer& frame, FrameBatch& out) {
    mapper_.set_authoritative(true);
    SplicedMetadata spliced = splice_metadata(frame, entry.api_version, mapper_);
    count_spliced(entry, spliced);
    if (spliced.malformed) {
        // Forwarding it could leak a broker address the gateway failed to see: refuse.
        spdlog::error("conn {}: upstream {} sent an undecodable Metadata v{} response: {}; closing", id_, upstream_name_,
                      entry.api_version, spliced.malformed->to_string());
        return false;
    }
    if (!spliced.outcome.ok()) {
        spdlog::error("conn {}: {}; closing", id_, spliced.outcome.error);
        return false;
    }
    // KoP names a random broker as controller: every listener tells the same one. Written into
    // the frame in place; `after` views those bytes.
    if (kop() && spliced.controller_id_at && spliced.lowest_node_id &&
        pin_controller_at(frame, *spliced.controller_id_at, *spliced.lowest_node_id)) {
        services_.metrics.on_kop_quirk(KopQuirk::controller_pinned);
    }
    if (!spliced.outcome.changed) return queue_for_client(frame, out);
    services_.metrics.on_rewrite(entry.api_key);
    bytes_to_client_ += spliced.before.size() + spliced.brokers.size() + spliced.after.size() + 4;
    out.add_spliced(frame, spliced.before, std::move(spliced.brokers), spliced.after);
    return true;
}

void ClientSession::count_spliced(const InFlight& entry, const SplicedMetadata& spliced) {
    if (spliced.malformed) {
        services_.metrics.on_response(entry.api_key, std::nullopt);
        return;
    }
    services_.metrics.on_response(entry.api_key, spliced.first_error_code);
    if (spliced.trailing_bytes > 0) {
        note_trailing_bytes(Direction::broker_to_client, *protocol::find_api(entry.api_key), entry.api_version, spliced.trailing_bytes);
    }
}

awaitable<void> ClientSession::write_responses() {
    const auto& config = services_.config;
    FrameBuffer frame;
    // Answers that are ready one after the other go to the client in one write; the batch is
    // sent before this coroutine can wait for anything, so no answer waits on another.
    FrameBatch out;
    constexpr std::size_t kFlushBytes = 256 * 1024;
    constexpr std::size_t kFlushFrames = 32;  // 64 buffers: what one gathered write takes
    bool ok = true;
    while (!closed_ && ok) {
        while (inflight_.empty() && !reader_done_ && !closed_) co_await wait(writer_wake_);
        if (closed_ || inflight_.empty()) break;
        InFlight& entry = inflight_.front();
        if (entry.kind == InFlight::Kind::local) {
            queue_for_client(std::move(entry.local_frame), out);
        } else if (auto ec = co_await read_frame(upstream_, upstream_in_, frame, config.max_frame_size, nullptr, &response_bytes_)) {
            if (response_bytes_.recipient_left()) {
                spdlog::debug("conn {} from {}: the client left while its answer waited for the response budget", id_, peer_);
                ok = false;
                break;
            }
            spdlog::info("conn {} from {}: upstream {} closed: {}", id_, peer_, upstream_name_, ec.message());
            if (kop() && entry.api_key == kInitProducerId) {
                services_.coordinator_notice.init_producer_id_dropped(services_.metrics, upstream_name_, upstream_node_);
            }
            if (!closed_) services_.metrics.upstream_failed(upstream_node_, UpstreamFailure::lost);  // not our own close
            ok = false;
        } else {
            ok = deliver_response(entry, frame, out);
        }
        if (!ok) break;
        inflight_.pop_front();
        last_answer_ = std::chrono::steady_clock::now();  // the next request's wait starts now (or after the write)
        wake(reader_wake_);
        if (next_answer_ready() && out.bytes() < kFlushBytes && out.frames() < kFlushFrames) continue;
        writing_to_client_ = true;  // the broker is not waited on meanwhile: kgate does not read it
        if (auto ec = co_await out.write_to(client_)) ok = false;
        writing_to_client_ = false;
        last_answer_ = std::chrono::steady_clock::now();
        response_bytes_.hand_on_all();  // every answer read so far was written (or replaced)
    }
    // Answers queued before a failure are still the client's: a refused response ends the
    // connection after them, as it did when each was written on its own.
    if (!out.empty() && !closed_) co_await out.write_to(client_);
    response_bytes_.hand_on_all();
    close(reader_done_ && ok ? "client finished" : "upstream or client failed");
}

}  // namespace kgate::gateway
