#pragma once
// One client connection and its upstream connection, both on the same worker thread.
//
// A reader coroutine takes client requests in order: each is decoded (bad input closes the
// connection), answered locally (ApiVersions) or forwarded upstream as its original bytes.
// A writer coroutine returns answers in request order: upstream responses are matched by
// correlation id, rewritten when they name brokers, forwarded untouched otherwise. The
// in-flight queue is bounded, so a slow side stops the other from reading: memory stays
// bounded by max-inflight and the frame size, and across connections by the memory budgets
// (gateway/budget/), which pause a read before it takes more than its share.
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "gateway/budget/budget_account.h"
#include "gateway/budget/pre_auth_cap.h"
#include "gateway/control/connection_info.h"
#include "gateway/net/asio.h"
#include "gateway/net/frame_batch.h"
#include "gateway/net/frame_io.h"
#include "gateway/session/routing_address_mapper.h"
#include "gateway/session/session_services.h"
#include "gateway/timeouts/session_timeouts.h"
#include "gateway/tls/transport_stream.h"
#include "protocol/codec/frame_codec.h"

namespace kgate::gateway {

struct SplicedMetadata;

class ClientSession {
public:
    // `client`: plain, or with TLS started (the handshake is run()'s first step).
    ClientSession(TransportStream client, ListenerTarget target, SessionServices& services);
    ClientSession(const ClientSession&) = delete;
    ClientSession& operator=(const ClientSession&) = delete;

    awaitable<void> run();
    // Stop taking requests; the ones in flight are still answered. Call on this session's thread.
    void drain();
    // Closes both connections now, in-flight requests or not. This session's thread only.
    void abort(std::string_view why) { close(why); }

    std::uint64_t id() const { return id_; }
    // The broker this session forwards to; -1 when unknown (a bootstrap server, not yet connected).
    std::int32_t upstream_node() const { return upstream_node_; }
    const std::string& upstream_name() const { return upstream_name_; }  // host:port, "" before connecting
    const ListenerTarget& target() const { return target_; }
    // A copy for the admin API; this session's thread only.
    ConnectionInfo info() const;

private:
    struct InFlight {
        enum class Kind { upstream, local, raw };
        Kind kind = Kind::upstream;
        std::int32_t correlation_id = 0;
        std::int16_t api_key = 0;
        std::int16_t api_version = 0;
        bool sasl_handshake_v0 = false;
        // The version the broker was asked at, when kgate asked another way (gateway/kop/).
        std::int16_t upstream_version = -1;
        std::chrono::steady_clock::time_point sent;  // for the upstream latency metric
        std::int32_t own_timeout_ms = -1;  // what the request allows the broker (gateway/timeouts/); -1: none
        std::vector<std::byte> local_frame;  // Kind::local: the answer, ready to send
    };

    awaitable<bool> connect_upstream();
    // Before discovery's first success (kgate ready from its static routes): waits, bounded,
    // for the brokers' API versions that ApiVersions answers are made of.
    awaitable<bool> cluster_view_known();
    awaitable<void> read_requests();
    // One gathered write of queued requests; false (and the session closed) when it failed.
    awaitable<bool> send_to_broker(FrameBatch& requests);
    awaitable<void> write_responses();
    // Decides what to do with one request frame; false when the connection must close.
    // `replacement` receives the frame to send in its place, when the broker is asked another way.
    bool admit_request(std::span<const std::byte> frame, InFlight& entry, bool& forward, bool& expect_response,
                       std::vector<std::byte>& replacement);
    std::vector<std::byte> api_versions_answer(std::int16_t asked_version, std::int32_t correlation_id);
    // Checks, counts and (when it names brokers) rewrites one upstream answer, then queues it
    // for the client; false when the connection must close.
    bool deliver_response(InFlight& entry, FrameBuffer& frame, FrameBatch& out);
    bool queue_for_client(FrameBuffer& frame, FrameBatch& out);
    bool queue_for_client(std::vector<std::byte>&& frame, FrameBatch& out);
    // Whether the next answer can be had without waiting on a socket.
    bool next_answer_ready() const;
    // A Metadata response: its Brokers array rewritten and spliced in, the rest only scanned.
    bool deliver_metadata(const InFlight& entry, FrameBuffer& frame, FrameBatch& out);
    // --broker-kind kop: an answer gateway/kop/ reworks (version translated back, topic names).
    bool deliver_kop(const InFlight& entry, FrameBuffer& frame, FrameBatch& out);
    bool kop() const { return services_.config.broker_kind == BrokerKind::kop; }
    // The responses-by-error-code metric for a response forwarded as it came.
    void count_response(const InFlight& entry, std::span<const std::byte> frame);
    void count_decoded(std::int16_t api_key, const protocol::Result<protocol::DecodedResponse>& decoded);
    // A frame with bytes after its body: counted and logged at debug; it is forwarded as it came.
    void note_trailing_bytes(Direction direction, const protocol::ApiInfo& api, std::int16_t version, std::size_t n);
    void count_spliced(const InFlight& entry, const SplicedMetadata& spliced);

    // The session's one timer for its timeouts (gateway/timeouts/): closes it when one expires.
    awaitable<void> watch_timeouts();
    SessionActivity activity() const;
    void timed_out(const Expiry& expiry, const TimeoutSettings& settings);

    awaitable<void> wait(asio::steady_timer& timer);
    static void wake(asio::steady_timer& timer) { timer.cancel(); }
    void close(std::string_view why);
    void bad_input(std::string_view what, RejectReason reason);
    // A frame read_frame refused: too large (for the connection's authentication state) or malformed.
    void refuse_frame(const error_code& ec);
    // A request frame that was not forwarded as read (answered here, or asked another way):
    // its bytes leave the request budget.
    void release_unforwarded(FrameBuffer& frame);

    TransportStream client_;
    TransportStream upstream_;  // plain, or TLS where the broker's route says so
    ListenerTarget target_;
    SessionServices& services_;
    RoutingAddressMapper mapper_;
    Cached<ClusterView> cluster_;
    std::uint64_t id_;
    std::string peer_;
    std::string upstream_name_;
    std::int32_t upstream_node_ = -1;
    bool upstream_counted_ = false;  // in the upstream connections gauge
    std::uint16_t listener_port_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::uint64_t bytes_from_client_ = 0;
    std::uint64_t bytes_to_client_ = 0;
    std::uint64_t requests_ = 0;

    ReadBuffer client_in_;    // bytes read ahead from the client
    ReadBuffer upstream_in_;  // and from the broker
    std::deque<InFlight> inflight_;
    asio::steady_timer writer_wake_;
    asio::steady_timer reader_wake_;
    asio::steady_timer deadline_timer_;
    FrameClock client_frame_;  // a client frame on its way in
    std::chrono::steady_clock::time_point last_answer_{};  // the latest answer from the broker, or its write to the client
    bool writing_to_client_ = false;  // answers being written: the next one is not awaited from the broker yet
    bool reader_done_ = false;
    bool closed_ = false;
    bool draining_ = false;
    bool sasl_raw_tokens_ = false;  // after a v0 SaslHandshake: raw SASL frames, no headers
    // Bytes held against the gateway's memory budgets (gateway/budget/).
    BudgetAccount request_bytes_;
    BudgetAccount response_bytes_;
    PreAuthCap pre_auth_;
};

}  // namespace kgate::gateway
