#pragma once
// Cluster mode (issue 17, in progress): `cluster-listen HOST:PORT` is one address on which kgate
// is the whole cluster, a single virtual broker that routes each request by its content.
//
// The one broker. Clients see one node, id kVirtualNodeId lowered until no real broker uses it
// (leader_view.h), at the advertised host and the cluster listener's port. Metadata (leaders,
// replicas and ISR of every partition become that node; topic and partition errors, offline
// leaders (-1) and topic ids are kept), DescribeCluster and FindCoordinator (v0-3 and the v4+
// batch, every key type) are forwarded to any broker and their answers rewritten to it.
//
// Routing (each client connection owns one upstream connection per broker it touches, opened on
// first use; requests keep the client's header, correlation id included):
// - connection-local: ApiVersions (kgate's clamped set, less what this mode refuses);
//   SaslHandshake is answered UNSUPPORTED_SASL_MECHANISM (see "refused").
// - partition leader, split and merged: Produce (partitions are cut out of the client's frame and
//   sent as views of it: records are neither copied nor re-encoded), Fetch (split with the codec:
//   a Fetch request holds no records; the answers are merged from views of the brokers' frames),
//   ListOffsets and OffsetForLeaderEpoch (codec, no records either).
// - group coordinator, by group id: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
//   OffsetFetch (one group), OffsetDelete, TxnOffsetCommit, ConsumerGroupHeartbeat.
// - transaction coordinator, by transactional id: InitProducerId (when it names one),
//   AddPartitionsToTxn v0-3, AddOffsetsToTxn, EndTxn.
// - any broker: everything else (topic admin, ACLs, quotas, DescribeGroups, ListGroups, ...).
// The view of leaders and coordinators (leader_view.h) is the connection's own: it learns from
// every Metadata and FindCoordinator answer passing through and asks a broker itself (on a
// lookup connection of its own) for what it does not know. A partition whose leader is still
// unknown, or a coordinator lookup that failed, goes to any broker, whose error the client
// retries on. NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, FENCED/UNKNOWN_LEADER_EPOCH drop
// the topic, NOT_COORDINATOR and COORDINATOR_NOT_AVAILABLE the coordinator; the error always
// reaches the client, and kgate retries nothing itself.
//
// Order of answers: requests go upstream in the order they came; the answers are written back in
// that order. A broker answers its connection in order, so the next answer on a broker's
// connection belongs to the oldest request still waiting for that broker: the writer reads, for
// the oldest request, one answer from each broker it went to, merges them and writes the result.
//
// Fetch sessions (KIP-227) are not kept: every fetch sent upstream is sessionless (session id 0,
// epoch -1, forgotten topics dropped) and the client is answered session id 0, so it sends full
// fetches. A session belongs to one broker; one client session spread over several brokers would
// need kgate to track each broker's partitions and epochs, and a lost upstream session would
// surface as FETCH_SESSION_ID_NOT_FOUND on partitions the client never asked about. Full fetches
// cost request bytes for many partitions, never correctness.
//
// Refused, with a clear error: SASL (the design replays a client's PLAIN or OAUTHBEARER
// exchange on every upstream connection; not built, so the handshake is refused rather than
// letting brokers see an unauthenticated client), and APIs whose answers name brokers that this
// mode does not rewrite yet (DescribeQuorum, ShareFetch, ShareAcknowledge): not offered in
// ApiVersions, and a request for one closes the connection.
//
// Not built yet: splitting DeleteRecords, DescribeProducers, WriteTxnMarkers, OffsetFetch and
// DescribeGroups over several groups, ListGroups/ListTransactions fan-out, the view shared across
// connections, per-API routing metrics and the admin API's view, TLS on this listener, memory
// budgets and timeouts on its connections.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/cluster_mode/cluster_request.h"
#include "gateway/cluster_mode/leader_view.h"
#include "gateway/cluster_mode/piece_frame.h"
#include "gateway/net/asio.h"
#include "gateway/net/frame_io.h"
#include "gateway/routing/published.h"
#include "gateway/upstream/cluster_view.h"
#include "gateway/session/session_services.h"
#include "gateway/tls/transport_stream.h"

namespace kgate::gateway {

class ClusterSession {
public:
    ClusterSession(tcp::socket client, SessionServices& services, std::uint16_t told_port);
    ClusterSession(const ClusterSession&) = delete;
    ClusterSession& operator=(const ClusterSession&) = delete;

    awaitable<void> run();
    // Stop taking requests; the ones in flight are still answered. This session's thread only.
    void drain();

private:
    // One broker's connection, owned by this client connection.
    struct Link {
        TransportStream stream;
        ReadBuffer in;
        std::string name;  // host:port
    };

    awaitable<void> read_requests();
    awaitable<void> write_responses();
    // Routes one request: local answer, forward or split; false when the connection must close.
    awaitable<bool> route(FrameBuffer& frame);
    awaitable<Link*> link_to(std::int32_t node_id);
    // A broker with an open link, else the first that connects, in bootstrap order (the ones the
    // latest discovery found first, rotated): a stopped broker is passed over. -1 when none does.
    awaitable<std::int32_t> any_broker();
    // Makes sure the view knows the leaders of `topics` (names or ids), asking a broker if not.
    awaitable<void> learn_topics(const TopicNeeds& needs);
    awaitable<std::int32_t> coordinator_for(const CoordinatorKey& key);
    awaitable<TransportStream*> lookup_stream();
    awaitable<bool> send(std::int32_t node_id, std::span<const std::byte> frame);
    awaitable<bool> send(std::int32_t node_id, PieceFrame& frame);
    // The client's answer made from the brokers' (cluster_answers.cc); an error ends the connection.
    awaitable<error_code> deliver(PendingAnswer& entry);
    void note_coordinator_answer(const PendingAnswer& entry, std::span<const std::byte> answer);
    const ClusterView& cluster_view() { return cluster_.get(); }
    void close(std::string_view why);
    awaitable<void> wait(asio::steady_timer& timer);

    TransportStream client_;
    SessionServices& services_;
    std::uint64_t id_;
    std::string peer_;
    VirtualBroker self_;
    LeaderView view_;
    Cached<ClusterView> cluster_;
    std::map<std::int32_t, std::unique_ptr<Link>> links_;
    TransportStream lookup_;  // kgate's own Metadata and FindCoordinator calls
    bool lookup_open_ = false;
    std::int32_t lookup_correlation_ = 1;
    ReadBuffer client_in_;
    std::deque<PendingAnswer> pending_;
    asio::steady_timer writer_wake_;
    asio::steady_timer reader_wake_;
    bool reader_done_ = false;
    bool closed_ = false;
    bool draining_ = false;
};

}  // namespace kgate::gateway
