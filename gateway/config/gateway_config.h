#pragma once
// Everything `kgate serve` is configured with. Built from defaults, then a YAML file, then
// command-line flags (flags win); validated as a whole so every problem is named at once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/routing/host_port.h"
#include "gateway/plaintext_listeners/plaintext_settings.h"
#include "gateway/sni/sni_settings.h"
#include "gateway/upstream_tls/upstream_tls_settings.h"

namespace kgate::gateway {

// One entry of `overrides`: what the operator states about a broker, by node id. With both an
// upstream and a listen port it is a static route (what one proxy per broker would be
// configured with): kgate opens that listener and serves it before any discovery.
struct UpstreamOverride {
    std::int32_t node_id = -1;
    std::optional<HostPort> address;           // where the gateway reaches that broker instead of its advertised address
    std::optional<std::uint16_t> listen_port;  // the broker's gateway port, pinned
};

// How kgate authenticates its own connections to the brokers (discovery's ApiVersions and
// Metadata) when the brokers require SASL. Clients' connections carry their own SASL
// exchange through kgate untouched; these credentials are never used for them.
struct UpstreamSasl {
    std::string mechanism;      // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: kgate's own connections do not authenticate
    std::string username;
    std::string password_file;  // read at start-up; the password is never on the command line
    std::string password;       // the file's contents, a trailing newline removed

    bool enabled() const { return !mechanism.empty(); }
};

// What the upstream brokers are. KoP (Kafka-on-Pulsar) gets its protocol quirks smoothed
// (gateway/kop/); it is never guessed from what a broker answers.
enum class BrokerKind { kafka, kop };

// Client-facing TLS (gateway/tls/). With a certificate, the bootstrap listener and every broker
// listener serve TLS only (unless tls-listeners is sni-only: gateway/sni/sni_settings.h). Client certificates are not asked for (none), verified when a client
// sends one (optional), or needed (required).
enum class ClientAuth { none, optional, required };
struct ClientTls {
    std::string certificate_file;  // PEM: the leaf first, then the chain
    std::string key_file;          // PEM, unencrypted
    ClientAuth client_auth = ClientAuth::none;
    std::string client_ca_file;    // PEM bundle client certificates are verified against
    std::chrono::milliseconds handshake_timeout{10000};

    bool enabled() const { return !certificate_file.empty(); }
};

struct GatewayConfig {
    std::vector<HostPort> upstream;               // bootstrap servers of the upstream cluster
    HostPort listen{"127.0.0.1", 9092};           // the bootstrap listener
    std::uint16_t broker_port_first = 0;          // per-broker listeners; 0: right after the bootstrap port
    std::uint16_t broker_port_last = 0;
    std::string advertised_host;                  // told to clients; empty: the listen host
    std::string state_dir = "kgate-state";
    std::string log_level = "info";
    int workers = 1;
    std::size_t max_frame_size = 100 * 1024 * 1024;
    std::size_t max_inflight = 1000;              // per client connection
    // Gateway-wide memory budgets (gateway/budget/): request bytes read from clients and not
    // yet written to a broker, and broker answers read and not yet written to their client.
    // 0: off.
    std::size_t request_memory_budget = 128 * 1024 * 1024;
    std::size_t response_memory_budget = 128 * 1024 * 1024;
    // Frames before authentication where the broker requires SASL (Kafka's
    // sasl.server.max.receive.size); 0: off.
    std::size_t pre_auth_max_frame_size = 512 * 1024;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds drain_timeout{10000};
    std::chrono::milliseconds metadata_refresh{30000};
    // Client connections (all listeners together) and from one client address; 0: no limit.
    // Each client connection costs two descriptors (client and broker side).
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_address = 2000;
    // A client connection with nothing in flight that sends nothing this long is closed; 0: never.
    std::chrono::milliseconds idle_timeout{600000};
    // Past frame_grace from its first byte, a frame's bytes so far must have arrived at
    // frame_min_rate bytes per second for the time past the grace; 0 rate: no floor.
    std::chrono::milliseconds frame_grace{30000};
    std::size_t frame_min_rate = 1024;
    // A broker that does not answer within the request's own timeout (or upstream_request_timeout
    // when it carries none) plus upstream_timeout_margin loses the pair; 0 timeout: never.
    std::chrono::milliseconds upstream_request_timeout{30000};
    std::chrono::milliseconds upstream_timeout_margin{30000};
    std::vector<UpstreamOverride> overrides;
    UpstreamSasl upstream_sasl;
    ClientTls tls;
    SniSettings sni;  // one TLS port for the whole cluster (gateway/sni/)
    PlaintextListenerSettings plaintext;  // plaintext listeners beside TLS ones (gateway/plaintext_listeners/)
    std::optional<HostPort> cluster_listen;  // one address, kgate as the whole cluster (gateway/cluster_mode/)
    UpstreamTls upstream_tls;  // how kgate reaches brokers: discovery, and every route without its own
    std::map<std::int32_t, UpstreamTls> route_tls;  // an `overrides` entry's tls, by node id
    // Operator HTTP endpoints (/healthz, /readyz, /routes, /metrics); nullopt: disabled.
    std::optional<HostPort> http_listen = HostPort{"127.0.0.1", 19191};
    // gRPC admin API; nullopt: disabled. Loopback unless the operator says otherwise.
    std::optional<HostPort> admin_listen = HostPort{"127.0.0.1", 19190};
    std::string admin_token_file;  // when set, every admin call but health needs the bearer token
    std::string admin_tls_cert;    // PEM; both or neither
    std::string admin_tls_key;
    BrokerKind broker_kind = BrokerKind::kafka;
    // What KoP puts before the topic names it lists (its kafkaTenant/kafkaNamespace plus '/'):
    // stripped from OffsetFetch answers so clients see the names they use.
    std::string kop_topic_prefix = "public/default/";

    // The effective values of the defaults that depend on other settings.
    std::uint16_t first_broker_port() const;
    std::uint16_t last_broker_port() const;
    std::string client_host() const { return advertised_host.empty() ? listen.host : advertised_host; }
    const UpstreamOverride* override_for(std::int32_t node_id) const;
};

// A port number, 1-65535, in decimal and nothing else. False on anything else.
bool parse_port(std::string_view text, std::uint16_t& port);
// "host:port" or "[v6-address]:port". Returns nullopt and sets `error` when malformed.
std::optional<HostPort> parse_host_port(std::string_view text, std::string& error);
// The http-listen and admin-listen settings: HOST:PORT, or "" / "off" to disable (nullopt).
// False on a bad value.
bool parse_http_listen(std::string_view text, std::optional<HostPort>& out, std::string& error);
// "kafka" or "kop". False on anything else.
bool parse_broker_kind(std::string_view text, BrokerKind& out);

// "none", "optional" or "required". False on anything else.
bool parse_client_auth(std::string_view text, ClientAuth& out);
std::string_view client_auth_name(ClientAuth auth);

// "FROM-TO" port range.
bool parse_port_range(std::string_view text, std::uint16_t& first, std::uint16_t& last, std::string& error);

// Every problem with a configuration, each naming the setting; empty when it is valid.
std::vector<std::string> validate(const GatewayConfig& config);

}  // namespace kgate::gateway
